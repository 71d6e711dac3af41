"""Options of the runtime's tests (this folder is one of pyproject's testpaths, so pytest loads
this file at startup)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pyvm runtime")
    group.addoption("--runtime-full", action="store_true", default=False,
                    help="actor runtime tests at full size (100k actors, 10M messages); "
                         "also PYVM_RUNTIME_FULL=1")
    group.addoption("--runtime-sanitize", default=None, choices=["address", "thread"],
                    help="run the actor runtime tests only under this sanitizer build, at full size "
                         "(also PYVM_RUNTIME_SANITIZE=address|thread)")
