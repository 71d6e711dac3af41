"""Reading a project's Python source: regular file, bounded size, decodable, with clear errors."""

from __future__ import annotations

import codecs
import io
import os
import stat
import tokenize
from dataclasses import dataclass

from pyvm.diagnostics import CompileError, Diagnostic, Location
from pyvm.validate.project_tree import ProjectPath

# CPython needs ~1 s per MiB of dense statements to parse and compile a file; 4 MiB bounds a check to a
# few seconds while staying far above any hand-written module.
MAX_SOURCE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    path: ProjectPath
    data: bytes  # as on disk: compile() sees the bytes, so coding cookies work as in CPython
    text: str

    def line(self, lineno: int | None) -> str | None:
        if lineno is None or lineno < 1:
            return None
        lines = self.text.splitlines()
        return lines[lineno - 1] if lineno <= len(lines) else None

    def location(self, line: int | None, column: int | None, end_column: int | None = None) -> Location:
        return Location(self.path.shown, line, column, end_column, self.line(line))


def _error(rule: str, message: str, path: ProjectPath, *notes: str, line=None, column=None) -> CompileError:
    return CompileError(Diagnostic(rule, message, Location(path.shown, line, column), tuple(notes)))


def _decode_error_location(data: bytes, byte_offset: int) -> tuple[int, int]:
    before = data[:byte_offset]
    line = before.count(b"\n") + 1
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return line, column


def _first_lines_decode(data: bytes) -> bool:
    try:
        b"\n".join(data.split(b"\n", 2)[:2]).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_source(path: ProjectPath) -> SourceFile:
    try:
        st = os.stat(path.real)
    except OSError as exc:
        raise _error("unreadable-file", f"Cannot read '{path.shown}': {exc.strerror}", path) from None
    if stat.S_ISDIR(st.st_mode):
        raise _error("main-py-not-file", f"'{path.shown}' is a folder, not a file", path)
    if not stat.S_ISREG(st.st_mode):
        raise _error("unreadable-file", f"'{path.shown}' is not a regular file", path)
    if st.st_size > MAX_SOURCE_BYTES:
        raise _error("file-too-large",
                     f"'{path.shown}' is too large ({st.st_size / 2**20:.1f} MiB; the limit is "
                     f"{MAX_SOURCE_BYTES // 2**20} MiB)", path)
    try:
        with open(path.real, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise _error("unreadable-file", f"Cannot read '{path.shown}': {exc.strerror}", path) from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        # detect_encoding also fails on a first line that is not UTF-8 and has no declaration:
        # that is an encoding error of the file, reported below with its position.
        encoding = "utf-8"
        if data[:2] and _first_lines_decode(data):
            raise _error("encoding", f"'{path.shown}' has an unusable encoding declaration", path,
                         str(exc)) from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line, column = _decode_error_location(data, exc.start)
        name = codecs.lookup(encoding).name
        shown = "UTF-8" if name == "utf-8" or name == "utf-8-sig" else encoding
        raise _error("encoding", f"'{path.shown}' is not valid {shown}", path,
                     f"byte 0x{data[exc.start]:02x} at line {line}, column {column}: {exc.reason}",
                     line=line, column=column) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceFile(path, data, text)
