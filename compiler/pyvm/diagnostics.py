"""Diagnostics: one record type for every user-facing error, rendered as text or JSON.

Every stage reports bad input by raising `CompileError` with one or more `Diagnostic`s; the CLI renders
them (seed 000's `❌ ERROR: ...` / `COMPILATION STOPPED` form, or `--format json`) and exits 1. No
stage prints errors itself, so the output format lives in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    end_column: int | None = None  # 1-based, exclusive
    source_line: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    rule: str  # stable machine-readable name, e.g. "main-py-count", "syntax", "type"
    message: str  # the headline, e.g. "Found 2 main() functions"
    location: Location | None = None
    notes: tuple[str, ...] = ()  # extra lines: the reason, hints
    related: tuple[Location, ...] = ()  # other places involved (e.g. each duplicate main)

    def to_json(self) -> dict:
        loc = self.location
        return {
            "rule": self.rule,
            "message": self.message,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "notes": list(self.notes),
            "related": [{"file": r.file, "line": r.line, "column": r.column} for r in self.related],
        }


class CompileError(Exception):
    """Raised by any stage to reject the input; carries what to tell the user."""

    def __init__(self, *diagnostics: Diagnostic):
        super().__init__(diagnostics[0].message if diagnostics else "compile error")
        self.diagnostics = diagnostics


@dataclass
class Marks:
    ok: str
    error: str
    arrow: str
    bar: str
    control: str  # stands in for a control character in a source snippet


UNICODE_MARKS = Marks(ok="✓", error="❌", arrow="-->", bar="|", control="\N{REPLACEMENT CHARACTER}")
ASCII_MARKS = Marks(ok="[ok]", error="[x]", arrow="-->", bar="|", control="?")


def marks_for(stream, plain: bool) -> Marks:
    """Unicode marks unless asked for plain output or the stream cannot encode them."""
    if plain:
        return ASCII_MARKS
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        (UNICODE_MARKS.ok + UNICODE_MARKS.error).encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII_MARKS
    return UNICODE_MARKS


def _snippet(loc: Location, marks: Marks) -> list[str]:
    """The source line with a caret under the column, rustc-style."""
    if loc.source_line is None or loc.line is None:
        return []
    text = loc.source_line.rstrip("\r\n").expandtabs(1)
    # Control characters (a NUL byte, say) would garble the terminal and the golden files.
    text = "".join(ch if ch >= " " else marks.control for ch in text)
    gutter = " " * len(str(loc.line))
    lines = [f"{gutter} {marks.bar}", f"{loc.line} {marks.bar} {text}"]
    if loc.column is not None:
        start = max(loc.column - 1, 0)
        width = 1
        if loc.end_column is not None and loc.end_column > loc.column:
            width = loc.end_column - loc.column
        width = max(1, min(width, max(len(text) - start, 1)))
        lines.append(f"{gutter} {marks.bar} " + " " * start + "^" * width)
    return lines


def render_text(diag: Diagnostic, marks: Marks) -> list[str]:
    lines = [f"{marks.error} ERROR: {diag.message}"]
    if diag.location is not None:
        lines.append(f"  {marks.arrow} {diag.location}")
        lines.extend("  " + s for s in _snippet(diag.location, marks))
    for rel in diag.related:
        lines.append(f"  {marks.arrow} {rel}")
        lines.extend("  " + s for s in _snippet(rel, marks))
    lines.extend(f"  = {note}" for note in diag.notes)
    return lines


def render_json(ok: bool, diagnostics: list[Diagnostic], checks: list[str] | None = None) -> str:
    payload: dict = {"ok": ok, "diagnostics": [d.to_json() for d in diagnostics]}
    if checks is not None:
        payload["checks"] = checks
    return json.dumps(payload, indent=2, ensure_ascii=False)
