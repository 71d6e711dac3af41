"""Rule 2: main.py defines exactly one module-level `main` function.

Counted from the syntax tree, never from text: `def main(` in a string or comment does not count,
nor does a method or a nested function named main. A definition inside a module-level `if`/`try`/
`with`/loop still binds the module's `main`, so it counts.
"""

from __future__ import annotations

import ast

from pyvm.diagnostics import CompileError, Diagnostic


def module_level_mains(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    found: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    pending: list[ast.stmt] = list(reversed(tree.body))
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name == "main":
                found.append(node)
            continue  # a function's body is not module scope
        if isinstance(node, ast.ClassDef):
            continue
        children = []
        for field in ("body", "orelse", "finalbody"):
            children.extend(getattr(node, field, []) or [])
        for handler in getattr(node, "handlers", []) or []:
            children.extend(handler.body)
        for case in getattr(node, "cases", []) or []:
            children.extend(case.body)
        pending.extend(reversed(children))
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    return found


def _keyword_and_name(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    return "async def main" if isinstance(node, ast.AsyncFunctionDef) else "def main"


def check_single_main(tree: ast.Module, source) -> ast.FunctionDef | ast.AsyncFunctionDef:
    mains = module_level_mains(tree)
    if len(mains) == 1:
        return mains[0]
    if not mains:
        raise CompileError(Diagnostic("main-function-count", "No 'main()' function found",
                                      source.location(None, None),
                                      ("main.py must define exactly one module-level 'def main()'",)))
    places = [source.location(n.lineno, n.col_offset + 1, n.col_offset + 1 + len(_keyword_and_name(n)))
              for n in mains]
    lines = ", ".join(str(n.lineno) for n in mains)
    raise CompileError(Diagnostic("main-function-count", f"Found {len(mains)} main() functions",
                                  places[0], (f"defined at lines {lines}; exactly 1 is allowed",),
                                  tuple(places[1:])))
