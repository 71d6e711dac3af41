"""How a suite runs one case. Each runner returns the observed exit status, stdout and stderr.

`pyvm-cli` runs `python -m pyvm ARGS` in the case's temporary folder. When the harness runs as
root, permission bits would not stop the command from reading anything, so it runs without the
DAC-override capabilities (util-linux `setpriv`), exactly as an ordinary user would.

`pyvm-program` runs the case's program once per variant (suite.toml `variants`, narrowed by the
environment variable PYVM_CONFORMANCE_VARIANTS, a comma list):

    interp       python -m pyvm run project
    jit          python -m pyvm run --jit project
    native-ON    python -m pyvm build project -o <tmp>/app -ON   (must exit 0), then <tmp>/app in project/
    cpython      the golden source itself: checks that `expected` is still what CPython 3.12 prints

The `cpython` golden source runs main.py under CPython 3.12 in the project folder. PyVM calls main()
by itself when main.py has no module-level `if __name__ == "__main__":` block; CPython would not, so
for such files the golden run imports main.py (as `__pyvm_main__`) and calls main(), an int result
becoming the exit status as with `sys.exit(main())`.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.cases import PROJECT_DIR, Case


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


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float, shown: str) -> Observed:
    try:
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"timed out after {timeout:g} s: {shown}") from None
    except OSError as exc:
        raise HarnessError(f"cannot run {shown}: {exc}") from None
    return Observed(done.returncode, done.stdout.decode("utf-8", "replace"),
                    done.stderr.decode("utf-8", "replace"))


def run_pyvm_cli(case: Case, workdir: Path) -> Observed:
    args = [a.replace("{project}", PROJECT_DIR) for a in case.args]
    entry = ENTRY_POINTS.get(case.command)
    if entry is None:
        raise HarnessError(f"unknown command {case.command!r}; known: {', '.join(ENTRY_POINTS)}")
    command = _unprivileged_prefix() + [sys.executable, "-c", entry, *args]
    return _run(command, workdir, case_env(case), case.time_limit, " ".join([case.command, *args]))


# --- CPython 3.12 as the golden source -------------------------------------------------------------

CPYTHON_CALL_MAIN = ("import runpy, sys; g = runpy.run_path('main.py', run_name='__pyvm_main__'); "
                     "r = g['main'](); sys.exit(r if isinstance(r, int) else 0)")


def has_main_guard(source: bytes | str) -> bool:
    """Whether the module body holds `if __name__ == "__main__":` (either operand order)."""
    tree = ast.parse(source)
    for node in tree.body:
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        test = node.test
        if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
            continue
        operands = [test.left, test.comparators[0]]
        names = [o for o in operands if isinstance(o, ast.Name) and o.id == "__name__"]
        consts = [o for o in operands if isinstance(o, ast.Constant) and o.value == "__main__"]
        if names and consts:
            return True
    return False


def cpython_command(python: str, main_source: bytes | str) -> list[str]:
    """`python main.py` when main.py calls main() itself, otherwise import it and call main()."""
    if has_main_guard(main_source):
        return [python, "-s", "main.py"]
    return [python, "-s", "-c", CPYTHON_CALL_MAIN]


def cpython_env(case: Case) -> dict[str, str]:
    env = {k: v for k, v in case_env(case).items() if not k.startswith("PYTHON")}
    env.update({"PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"})
    env.update(case.env)
    return env


def run_cpython(case: Case, workdir: Path) -> Observed:
    from pyvm.toolchain.python312 import find_python312

    python = find_python312()
    if python is None:
        raise HarnessError("CPython 3.12 not found (set PYVM_PYTHON): it is this suite's golden source")
    project = workdir / PROJECT_DIR
    main_py = project / "main.py"
    if not main_py.is_file():
        raise HarnessError(f"{case.name}: the golden source needs project/main.py")
    try:
        command = cpython_command(python, main_py.read_bytes())
    except SyntaxError as exc:
        raise HarnessError(f"{case.name}: main.py is not valid Python: {exc}") from None
    return _run(command, project, cpython_env(case), case.time_limit, f"{python} main.py")


GOLDEN_SOURCES = {"cpython": run_cpython}


# --- pyvm-program: one program, several ways of running it ---------------------------------------

VARIANTS_ENV = "PYVM_CONFORMANCE_VARIANTS"
_VARIANT = re.compile(r"interp|jit|native-O[0-3sz]|cpython")
DEFAULT_VARIANTS = ["interp"]


class VariantFailure(Exception):
    """A variant could not produce a program to compare (its build failed)."""


def check_variant_names(names: list[str], where: str) -> None:
    bad = [n for n in names if not _VARIANT.fullmatch(n)]
    if bad:
        raise HarnessError(f"unknown variant(s) {', '.join(bad)} in {where}; known: interp, jit, "
                           "native-O0..native-O3, native-Os, native-Oz, cpython")


def selected_variants(case: Case) -> list[str]:
    """The suite's variants, narrowed to $PYVM_CONFORMANCE_VARIANTS when it is set.

    `cpython` may be asked for in the environment even when the suite does not list it: it checks
    that the expected files are still what CPython prints, without any compiler.
    """
    suite_variants = case.suite.variants or DEFAULT_VARIANTS
    check_variant_names(suite_variants, f"{case.suite.name}/suite.toml")
    wanted_text = os.environ.get(VARIANTS_ENV, "").strip()
    if not wanted_text:
        return suite_variants
    wanted = [w.strip() for w in wanted_text.split(",") if w.strip()]
    check_variant_names(wanted, VARIANTS_ENV)
    chosen = [v for v in suite_variants if v in wanted]
    if "cpython" in wanted and "cpython" not in chosen:
        chosen.append("cpython")
    return chosen


def run_program_variant(case: Case, workdir: Path, variant: str) -> Observed:
    if variant == "cpython":
        return run_cpython(case, workdir)
    prefix = _unprivileged_prefix()
    env = case_env(case)
    pyvm = [sys.executable, "-m", "pyvm"]
    if variant in ("interp", "jit"):
        args = ["run"] + (["--jit"] if variant == "jit" else []) + [PROJECT_DIR]
        return _run(prefix + pyvm + args, workdir, env, case.time_limit, "pyvm " + " ".join(args))
    level = variant.removeprefix("native-")
    app = workdir / f"build-{variant}" / "app"
    app.parent.mkdir()
    args = ["build", PROJECT_DIR, "-o", str(app), f"-{level}"]
    built = _run(prefix + pyvm + args, workdir, env, case.time_limit, "pyvm " + " ".join(args))
    if built.exit != 0:
        raise VariantFailure(f"build failed: `pyvm {' '.join(args)}` exited {built.exit}\n"
                             f"--- build stdout\n{built.stdout}--- build stderr\n{built.stderr}")
    if not app.is_file():
        raise VariantFailure(f"build exited 0 but wrote no executable at {app}\n"
                             f"--- build stderr\n{built.stderr}")
    return _run(prefix + [str(app)], workdir / PROJECT_DIR, env, case.time_limit, str(app))


RUNNERS = {"pyvm-cli": run_pyvm_cli}
# Runners that run a case once per variant: (case, workdir, variant) -> Observed.
VARIANT_RUNNERS = {"pyvm-program": run_program_variant}
