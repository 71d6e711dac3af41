"""Parse KIR's text form (see printer.py) back into a Module, with line:column errors.

Registers may be used before the line that defines them (a PHI on a loop back edge), so each
function is read in two steps: first every definition's name and type, then the instructions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyvm.kir.ir import Block, Const, Data, Extern, Function, Instr, Label, Module, Reg, Sym, Value
from pyvm.kir.opcodes import OPCODES
from pyvm.kir.printer import KEYWORD_KINDS
from pyvm.kir.types import TYPES, Type


class KirSyntaxError(Exception):
    def __init__(self, message: str, line: int, column: int, source: str = "<kir>"):
        super().__init__(f"{source}:{line}:{column}: {message}")
        self.line, self.column, self.message = line, column, message


_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>;.*)
  | (?P<string>"(?:[^"\\]|\\[0-9a-fA-F]{2})*")
  | (?P<reg>%[A-Za-z0-9_.]+)
  | (?P<sym>\$[A-Za-z0-9_.]+)
  | (?P<label>@[A-Za-z0-9_.]+)
  | (?P<number>[-+]?(?:(?:inf|nan)(?![A-Za-z0-9_])|(?:\d+\.?\d*(?:[eE][-+]?\d+)?)|(?:\.\d+(?:[eE][-+]?\d+)?)))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<arrow>->)
  | (?P<punct>[(),\[\]{}:=])
""", re.VERBOSE)


@dataclass
class Tok:
    kind: str
    text: str
    column: int


def tokenize_line(text: str, lineno: int, source: str) -> list[Tok]:
    toks, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise KirSyntaxError(f"unexpected character {text[pos]!r}", lineno, pos + 1, source)
        kind = m.lastgroup
        if kind not in ("space", "comment"):
            toks.append(Tok("punct" if kind == "arrow" else kind, m.group(), pos + 1))
        pos = m.end()
    return toks


class _Line:
    """A cursor over one line's tokens."""

    def __init__(self, toks: list[Tok], lineno: int, source: str):
        self.toks, self.i, self.lineno, self.source = toks, 0, lineno, source

    def error(self, message: str) -> KirSyntaxError:
        column = self.toks[self.i].column if self.i < len(self.toks) else (
            self.toks[-1].column + len(self.toks[-1].text) if self.toks else 1)
        return KirSyntaxError(message, self.lineno, column, self.source)

    def peek(self, offset: int = 0) -> Tok | None:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def at(self, text: str) -> bool:
        t = self.peek()
        return t is not None and t.text == text

    def next(self, kind: str | None = None, what: str = "") -> Tok:
        t = self.peek()
        if t is None or (kind is not None and t.kind != kind):
            found = "end of line" if t is None else repr(t.text)
            raise self.error(f"expected {what or kind}, found {found}")
        self.i += 1
        return t

    def expect(self, text: str) -> None:
        t = self.peek()
        if t is None or t.text != text:
            raise self.error(f"expected {text!r}, found {'end of line' if t is None else repr(t.text)}")
        self.i += 1

    def done(self) -> bool:
        return self.i >= len(self.toks)

    def end(self) -> None:
        if not self.done():
            raise self.error(f"unexpected {self.peek().text!r}")

    def type(self) -> Type:
        t = self.next("word", "a type")
        if t.text not in TYPES:
            self.i -= 1
            raise self.error(f"unknown type {t.text!r}")
        return TYPES[t.text]

    def integer(self) -> int:
        t = self.next("number", "an integer")
        try:
            return int(t.text)
        except ValueError:
            self.i -= 1
            raise self.error(f"expected an integer, found {t.text!r}") from None


def _unescape(text: str) -> bytes:
    body = text[1:-1]
    out, i = bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            out.append(int(body[i + 1:i + 3], 16))
            i += 3
        else:
            out.extend(body[i].encode("ascii"))
            i += 1
    return bytes(out)


class Parser:
    def __init__(self, text: str, source: str = "<kir>"):
        self.source = source
        self.lines = [(n, tokenize_line(t, n, source)) for n, t in enumerate(text.splitlines(), 1)]
        self.lines = [(n, toks) for n, toks in self.lines if toks]
        self.pos = 0

    def parse(self) -> Module:
        if not self.lines:
            raise KirSyntaxError("empty module: expected 'module \"name\"'", 1, 1, self.source)
        n, toks = self.lines[0]
        head = _Line(toks, n, self.source)
        head.expect("module")
        module = Module(_unescape(head.next("string", "a module name").text).decode())
        head.end()
        self.pos = 1
        while self.pos < len(self.lines):
            n, toks = self.lines[self.pos]
            line = _Line(toks, n, self.source)
            word = toks[0].text
            if word == "data":
                module.data.append(self._data(line))
                self.pos += 1
            elif word == "extern":
                module.externs.append(self._extern(line))
                self.pos += 1
            elif word == "func":
                module.functions.append(self._function())
            else:
                raise line.error(f"expected 'data', 'extern' or 'func', found {word!r}")
        return module

    def _data(self, line: _Line) -> Data:
        line.expect("data")
        name = line.next("sym", "a $name").text[1:]
        line.expect("=")
        kind = line.next("word", "'const' or 'zero'").text
        if kind == "const":
            content = _unescape(line.next("string", "a string").text)
            data = Data(name, "const", content=content)
        elif kind == "zero":
            data = Data(name, "zero", size=line.integer())
        else:
            line.i -= 1
            raise line.error(f"expected 'const' or 'zero', found {kind!r}")
        line.expect("align")
        data.align = line.integer()
        line.end()
        return data

    def _attrs(self, line: _Line, stop: str | None = None) -> tuple[str, ...]:
        attrs = []
        while not line.done() and not line.at(stop or "\0"):
            attrs.append(line.next("word", "an attribute").text)
        return tuple(attrs)

    def _extern(self, line: _Line) -> Extern:
        line.expect("extern")
        name = line.next("sym", "a $name").text[1:]
        line.expect("(")
        params: list[Type] = []
        while not line.at(")"):
            if params:
                line.expect(",")
            params.append(line.type())
        line.expect(")")
        line.expect("->")
        ret = line.type()
        return Extern(name, params, ret, self._attrs(line))

    def _function(self) -> Function:
        n, toks = self.lines[self.pos]
        head = _Line(toks, n, self.source)
        head.expect("func")
        name = head.next("sym", "a $name").text[1:]
        head.expect("(")
        params: list[Reg] = []
        while not head.at(")"):
            if params:
                head.expect(",")
            reg = head.next("reg", "a %parameter").text[1:]
            head.expect(":")
            params.append(Reg(reg, head.type()))
        head.expect(")")
        head.expect("->")
        ret = head.type()
        attrs = self._attrs(head, "{")
        head.expect("{")
        head.end()
        fn = Function(name, params, ret, attrs=attrs)
        body: list[tuple[int, list[Tok]]] = []
        self.pos += 1
        while True:
            if self.pos >= len(self.lines):
                raise KirSyntaxError(f"function ${name} has no closing '}}'", n, 1, self.source)
            ln, toks = self.lines[self.pos]
            self.pos += 1
            if len(toks) == 1 and toks[0].text == "}":
                break
            body.append((ln, toks))
        regs: dict[str, Reg] = {}
        for p in params:
            if p.name in regs:
                raise KirSyntaxError(f"parameter %{p.name} repeated", n, 1, self.source)
            regs[p.name] = p
        for ln, toks in body:  # pass 1: every definition, so uses may come first
            if len(toks) >= 4 and toks[0].kind == "reg" and toks[1].text == ":":
                cursor = _Line(toks, ln, self.source)
                cursor.i = 2
                reg_name = toks[0].text[1:]
                if reg_name in regs:
                    raise KirSyntaxError(f"register %{reg_name} defined twice", ln, 1, self.source)
                regs[reg_name] = Reg(reg_name, cursor.type())
        block: Block | None = None
        for ln, toks in body:  # pass 2: instructions
            line = _Line(toks, ln, self.source)
            if toks[0].kind == "label" and len(toks) == 2 and toks[1].text == ":":
                block = Block(toks[0].text[1:])
                fn.blocks.append(block)
                continue
            if block is None:
                raise line.error("instruction before the first @label:")
            block.instrs.append(self._instr(line, regs))
        return fn

    def _value(self, line: _Line, regs: dict[str, Reg]) -> Value:
        t = line.peek()
        if t is None:
            raise line.error("expected a value")
        if t.kind == "reg":
            line.i += 1
            if t.text[1:] not in regs:
                line.i -= 1
                raise line.error(f"undefined register {t.text}")
            return regs[t.text[1:]]
        if t.kind == "sym":
            line.i += 1
            return Sym(t.text[1:])
        if t.kind == "word" and t.text in TYPES:
            ty = line.type()
            if ty.is_ptr:
                tok = line.next(None, "null")
                if tok.text == "null":
                    return Const(ty, 0)
                line.i -= 1
                return Const(ty, line.integer())
            num = line.next("number", f"a {ty} constant")
            try:
                return Const(ty, float(num.text) if ty.is_float else int(num.text))
            except ValueError:
                line.i -= 1
                raise line.error(f"bad {ty} constant {num.text!r}") from None
        raise line.error(f"expected a value (%reg, $symbol or typed constant), found {t.text!r}")

    def _label(self, line: _Line) -> Label:
        return Label(line.next("label", "a @label").text[1:])

    def _instr(self, line: _Line, regs: dict[str, Reg]) -> Instr:
        dest = None
        if line.peek().kind == "reg" and line.peek(1) is not None and line.peek(1).text == ":":
            dest = regs[line.next().text[1:]]
            line.expect(":")
            line.type()
            line.expect("=")
        op_tok = line.next("word", "an opcode")
        info = OPCODES.get(op_tok.text)
        if info is None:
            line.i -= 1
            raise line.error(f"unknown opcode {op_tok.text!r}")
        operands: list = []
        first = True  # no comma before the first operand, nor after a keyword operand
        for kind in info.syntax:
            if kind == "args":
                line.expect("(")
                count = 0
                while not line.at(")"):
                    if count:
                        line.expect(",")
                    operands.append(self._value(line, regs))
                    count += 1
                line.expect(")")
                first = False
                continue
            if kind == "v?":
                if not line.done():
                    operands.append(self._value(line, regs))
                continue
            if not first:
                line.expect(",")
            first = kind in KEYWORD_KINDS
            if kind == "v":
                operands.append(self._value(line, regs))
            elif kind == "label":
                operands.append(self._label(line))
            elif kind == "imm":
                operands.append(line.integer())
            elif kind in ("cond", "ord", "rmwop", "name"):
                operands.append(line.next("word", f"a {kind}").text)
            elif kind == "incoming":
                while True:
                    line.expect("[")
                    operands.append(self._value(line, regs))
                    line.expect(",")
                    operands.append(self._label(line))
                    line.expect("]")
                    if not line.at(","):
                        break
                    line.expect(",")
            elif kind == "cases":
                line.expect("[")
                while not line.at("]"):
                    if line.at(","):
                        line.expect(",")
                    operands.append(line.integer())
                    line.expect(":")
                    operands.append(self._label(line))
                line.expect("]")
        line.end()
        return Instr(info.name, dest, operands)


def parse_module(text: str, source: str = "<kir>") -> Module:
    return Parser(text, source).parse()
