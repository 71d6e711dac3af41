"""The frontend: CPython's AST → typed AST (per-instance types) → KIR."""

from __future__ import annotations

from pyvm.frontend.infer import Checker
from pyvm.frontend.program import load_program
from pyvm.validate import Project


def check_program(project: Project) -> Checker:
    """Scope analysis and type inference for the whole program; raises CompileError on bad input."""
    checker = Checker(load_program(project))
    checker.run()
    return checker
