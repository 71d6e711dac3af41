"""How a suite runs one case. Each runner returns the observed exit status, stdout and stderr.

`pyvm-cli` runs `python -m pyvm ARGS` in the case's temporary folder. When the harness runs as
root, permission bits would not stop the command from reading anything, so it runs without the
DAC-override capabilities (util-linux `setpriv`), exactly as an ordinary user would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.cases import Case


@dataclass
class Observed:
    exit: int
    stdout: str
    stderr: str


class HarnessError(Exception):
    """The harness itself cannot run a case: a failure, never a skip."""


def _unprivileged_prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise HarnessError("running as root needs util-linux 'setpriv' to drop CAP_DAC_OVERRIDE "
                           "(otherwise permission cases cannot be tested)")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]


def case_env(case: Case) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "PYVM_STATS", "COLUMNS")}
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(case.env)
    return env


# The console scripts' own entry points, run by the interpreter under test (no reliance on PATH).
ENTRY_POINTS = {
    "pyvm": "import sys; from pyvm.cli import main; sys.exit(main())",
    "pyvm_compiler": "import sys; from pyvm.cli import compiler_main; sys.exit(compiler_main())",
}


def run_pyvm_cli(case: Case, workdir: Path) -> Observed:
    args = [a.replace("{project}", "project") for a in case.args]
    entry = ENTRY_POINTS.get(case.command)
    if entry is None:
        raise HarnessError(f"unknown command {case.command!r}; known: {', '.join(ENTRY_POINTS)}")
    command = _unprivileged_prefix() + [sys.executable, "-c", entry, *args]
    try:
        done = subprocess.run(command, cwd=workdir, env=case_env(case), capture_output=True,
                              timeout=case.suite.timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"timed out after {case.suite.timeout:.0f} s: {' '.join(args)}") from None
    return Observed(done.returncode, done.stdout.decode("utf-8", "replace"),
                    done.stderr.decode("utf-8", "replace"))


RUNNERS = {"pyvm-cli": run_pyvm_cli}
