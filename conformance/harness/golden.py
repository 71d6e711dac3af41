"""The `expected` file format: exit status, then each compared stream verbatim.

    exit: 1
    --- stdout
    ✓ Found exactly 1 main.py
    --- stderr
    ❌ ERROR: ...

A content line that itself starts with `--- ` or `\\` is written with a leading `\\`. A stream that
does not end in a newline gets a final `\\ no newline at end` line, as in a unified diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_NEWLINE = "\\ no newline at end"


@dataclass
class Golden:
    exit: int
    streams: dict[str, str] = field(default_factory=dict)  # section name -> exact text

    def render(self) -> str:
        out = [f"exit: {self.exit}"]
        for name, text in self.streams.items():
            out.append(f"--- {name}")
            lines = text.split("\n")
            ends_with_newline = text.endswith("\n") or text == ""
            if ends_with_newline:
                lines = lines[:-1]
            for line in lines:
                out.append("\\" + line if line.startswith(("--- ", "\\")) else line)
            if not ends_with_newline:
                out.append(NO_NEWLINE)
        return "\n".join(out) + "\n"

    @classmethod
    def parse(cls, text: str) -> "Golden":
        lines = text.split("\n")
        if not lines or not lines[0].startswith("exit: "):
            raise ValueError("an expected file starts with 'exit: N'")
        golden = cls(int(lines[0][len("exit: "):]))
        current: list[str] | None = None
        name = ""
        sections: list[tuple[str, list[str]]] = []
        for line in lines[1:-1] if lines[-1] == "" else lines[1:]:
            if line.startswith("--- "):
                name, current = line[4:], []
                sections.append((name, current))
            elif current is None:
                raise ValueError(f"text before the first section: {line!r}")
            else:
                current.append(line)
        for name, body in sections:
            if body and body[-1] == NO_NEWLINE:
                text = "\n".join(_unescape(x) for x in body[:-1])
            else:
                text = "".join(_unescape(x) + "\n" for x in body)
            golden.streams[name] = text
        return golden


def _unescape(line: str) -> str:
    return line[1:] if line.startswith("\\") else line
