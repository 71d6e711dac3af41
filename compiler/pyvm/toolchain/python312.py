"""Finding CPython 3.12: PyVM's syntax rule is CPython 3.12's compiler verdict, so 3.12 exactly.

Search order: $PYVM_PYTHON, python3.12 on PATH, pyenv's versions (pyenv's shims fail when 3.12
is installed but not selected, so each candidate is run, not just found), /usr/bin, python3.
bin/_bootstrap.sh does the same search in shell before any Python environment exists.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from functools import cache


def is_python312(executable: str | None) -> bool:
    if not executable:
        return False
    try:
        done = subprocess.run([executable, "-c", "import sys; sys.exit(sys.version_info[:2] != (3, 12))"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def candidates() -> list[str]:
    found = [os.environ.get("PYVM_PYTHON", ""), shutil.which("python3.12") or ""]
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found += sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.12*", "bin", "python3.12")), reverse=True)
    found += ["/usr/local/bin/python3.12", "/usr/bin/python3.12", shutil.which("python3") or ""]
    return [c for c in found if c]


@cache
def find_python312() -> str | None:
    if sys.version_info[:2] == (3, 12):
        return sys.executable
    return next((c for c in candidates() if is_python312(c)), None)
