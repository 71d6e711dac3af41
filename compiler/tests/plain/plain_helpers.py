"""Running small actor programs under CPython with the plain `pyvm` module."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

HEADER = ("from pyvm import (ChildSpec, Pid, Supervisor, count_children, delete_child, demonitor, exit,\n"
          "                  gather, kill, link, monitor, receive, register, restart_child, run, self_pid,\n"
          "                  send, sleep, spawn, start_supervisor, terminate_child, trap_exit, unlink,\n"
          "                  whereis, which_child)\n")
FOOTER = '\n\nif __name__ == "__main__":\n    run(main())\n'


@dataclass
class Result:
    status: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def last_err(self) -> str:
        lines = self.err.strip().splitlines()
        return lines[-1] if lines else ""


def run_program(tmp_path: Path, body: str, deterministic: bool = True, timeout: float = 60) -> Result:
    """Writes HEADER + body + the run(main()) block to main.py and runs it with this interpreter."""
    path = tmp_path / "main.py"
    path.write_text(HEADER + textwrap.dedent(body) + FOOTER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYVM_")}
    if deterministic:
        env["PYVM_DETERMINISTIC"] = "1"
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return Result(done.returncode, done.stdout, done.stderr)
