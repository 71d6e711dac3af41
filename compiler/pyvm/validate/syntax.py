"""Rule 3: main.py and every project module it imports compile under CPython 3.12.

The verdict is `compile(source_bytes, path, "exec", dont_inherit=True)`, exactly what
`python3.12 -m py_compile` runs, so compiler-level errors that the parser alone accepts (`await`
outside an async function, `return` outside a function, `nonlocal` at module level) fail here too.
When PyVM itself runs on a newer Python, the check runs in a CPython 3.12 subprocess so that newer
syntax (t-strings) is still rejected.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from dataclasses import dataclass

from pyvm.diagnostics import CompileError, Diagnostic
from pyvm.toolchain.python312 import find_python312
from pyvm.validate.source import SourceFile

_CHILD_CHECK = r"""
import json, sys
data = open(sys.argv[1], "rb").read()
try:
    compile(data, sys.argv[2], "exec", dont_inherit=True)
except SyntaxError as e:
    print(json.dumps({"msg": e.msg, "lineno": e.lineno, "offset": e.offset,
                      "end_lineno": e.end_lineno, "end_offset": e.end_offset}))
except ValueError as e:
    print(json.dumps({"msg": str(e), "lineno": None, "offset": None, "end_lineno": None, "end_offset": None}))
"""


@dataclass(frozen=True)
class SyntaxProblem:
    msg: str
    lineno: int | None
    offset: int | None
    end_lineno: int | None
    end_offset: int | None


def _host_is_python312() -> bool:
    return sys.version_info[:2] == (3, 12)


def _compile_verdict(source: SourceFile) -> SyntaxProblem | None:
    if _host_is_python312():
        try:
            compile(source.data, source.path.shown, "exec", dont_inherit=True)
        except SyntaxError as e:
            return SyntaxProblem(e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)
        except ValueError as e:  # e.g. null bytes on some versions
            return SyntaxProblem(str(e), None, None, None, None)
        return None
    python = find_python312()
    if python is None:
        raise CompileError(Diagnostic("python312-missing", "CPython 3.12 not found for the syntax check",
                                      None, ("set PYVM_PYTHON to a python3.12 executable",)))
    done = subprocess.run([python, "-c", _CHILD_CHECK, str(source.path.real), source.path.shown],
                          capture_output=True, text=True, timeout=300)
    out = done.stdout.strip()
    return SyntaxProblem(**json.loads(out)) if out else None


def _null_byte_position(source: SourceFile) -> tuple[int, int]:
    before = source.text[:source.text.index("\0")]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def syntax_error(source: SourceFile, problem: SyntaxProblem) -> CompileError:
    if problem.lineno is None and "\0" in source.text:  # CPython gives no position for this one
        line, column = _null_byte_position(source)
        problem = SyntaxProblem(problem.msg, line, column, line, column + 1)
    end_column = problem.end_offset if problem.end_lineno == problem.lineno else None
    where = f" (line {problem.lineno})" if problem.lineno else ""
    return CompileError(Diagnostic("syntax", f"Python syntax error{where}",
                                   source.location(problem.lineno, problem.offset, end_column),
                                   (problem.msg,)))


def check_compiles(source: SourceFile) -> None:
    problem = _compile_verdict(source)
    if problem is not None:
        raise syntax_error(source, problem)


def parse(source: SourceFile) -> ast.Module:
    """Parse for rule 2; a file that does not even parse fails rule 3 right here."""
    try:
        return ast.parse(source.data, source.path.shown, feature_version=(3, 12))
    except SyntaxError as e:
        raise syntax_error(source, SyntaxProblem(e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)) from None
    except ValueError as e:
        raise syntax_error(source, SyntaxProblem(str(e), None, None, None, None)) from None
