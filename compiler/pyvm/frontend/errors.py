"""Compile errors of the frontend, pointing at a source position: `file:line:col`, the line, a reason."""

from __future__ import annotations

import ast

from pyvm.diagnostics import CompileError, Diagnostic, Location


class SourceMap:
    """File name and lines of one module, to build diagnostics from AST nodes."""

    def __init__(self, shown: str, text: str):
        self.shown = shown
        self.lines = text.splitlines()

    def location(self, node: ast.AST | None) -> Location:
        if node is None or not hasattr(node, "lineno"):
            return Location(self.shown)
        line = node.lineno
        col = node.col_offset + 1
        end = node.end_col_offset + 1 if getattr(node, "end_lineno", None) == line and node.end_col_offset else None
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else None
        return Location(self.shown, line, col, end, text)


def error(source: SourceMap, node: ast.AST | None, rule: str, message: str) -> CompileError:
    return CompileError(Diagnostic(rule, message, source.location(node)))


def unsupported(source: SourceMap, node: ast.AST | None, what: str) -> CompileError:
    return error(source, node, "unsupported", f"unsupported: {what}")


def type_error(source: SourceMap, node: ast.AST | None, what: str) -> CompileError:
    return error(source, node, "type", f"type error: {what}")
