"""KIR's in-memory form: modules of data, externs and functions; functions of basic blocks; blocks of
three-address instructions whose operands follow the opcode table's syntax.

Registers are in SSA form from the start: each is defined once (a parameter, or one instruction's
result) and its definition dominates its uses; the frontend keeps mutable locals in ALLOCA slots and
mem2reg turns them into registers and PHIs. The verifier checks all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

from pyvm.kir.opcodes import OPCODES, OpInfo
from pyvm.kir.types import I1, I64, PTR, Type


# ---- values --------------------------------------------------------------------------------------

@dataclass(eq=False)
class Reg:
    """A virtual register. Identity matters (two registers may share a printed name while a pass runs)."""

    name: str
    type: Type

    def __str__(self) -> str:
        return f"%{self.name}"

    def __repr__(self) -> str:
        return f"Reg(%{self.name}: {self.type})"


@dataclass(frozen=True)
class Const:
    type: Type
    value: int | float  # ints in the type's signed range (i1: 0/1); ptr: 0 only (null)

    def __str__(self) -> str:
        if self.type.is_ptr:
            return "ptr null" if self.value == 0 else f"ptr {self.value}"
        if self.type.is_float:
            return f"{self.type} {float_text(self.value)}"
        return f"{self.type} {self.value}"

    def __eq__(self, other) -> bool:  # NaN constants are equal to each other; -0.0 differs from 0.0
        return (isinstance(other, Const) and self.type == other.type
                and float_key(self.value) == float_key(other.value))

    def __hash__(self) -> int:
        return hash((self.type, float_key(self.value)))


@dataclass(frozen=True)
class Sym:
    """The address of a function, extern or data item: `$name`, always a ptr."""

    name: str

    @property
    def type(self) -> Type:
        return PTR

    def __str__(self) -> str:
        return f"${self.name}"


@dataclass(frozen=True)
class Label:
    name: str

    def __str__(self) -> str:
        return f"@{self.name}"


Value = Union[Reg, Const, Sym]
Operand = Union[Reg, Const, Sym, Label, str, int]


def float_key(value) -> object:
    if isinstance(value, float):
        import math
        if math.isnan(value):
            return "nan"
        if value == 0.0:
            return ("zero", math.copysign(1.0, value))
    return value


def float_text(value: float) -> str:
    return repr(float(value))  # shortest round-trip text, and "inf", "-inf", "nan"


def const(t: Type, value) -> Const:
    return Const(t, float(value) if t.is_float else int(value))


# ---- instructions --------------------------------------------------------------------------------

@dataclass(eq=False)
class Instr:
    op: str
    dest: Reg | None
    operands: list[Operand]

    @property
    def info(self) -> OpInfo:
        return OPCODES[self.op]

    def values(self) -> list[Value]:
        return [o for o in self.operands if isinstance(o, (Reg, Const, Sym))]

    def regs_used(self) -> Iterator[Reg]:
        return (o for o in self.operands if isinstance(o, Reg))

    def labels(self) -> list[Label]:
        return [o for o in self.operands if isinstance(o, Label)]

    def replace_uses(self, mapping: dict[Reg, Value]) -> None:
        self.operands = [mapping.get(o, o) if isinstance(o, Reg) else o for o in self.operands]

    def replace_labels(self, mapping: dict[str, str]) -> None:
        self.operands = [Label(mapping.get(o.name, o.name)) if isinstance(o, Label) else o
                         for o in self.operands]

    # PHI and SWITCH keep pairs flat in operands; these views keep passes from re-deriving the layout.
    def phi_incoming(self) -> list[tuple[Value, Label]]:
        assert self.op == "PHI"
        return [(self.operands[i], self.operands[i + 1]) for i in range(0, len(self.operands), 2)]

    def switch_cases(self) -> list[tuple[int, Label]]:
        assert self.op == "SWITCH"
        return [(self.operands[i], self.operands[i + 1]) for i in range(2, len(self.operands), 2)]

    @property
    def is_terminator(self) -> bool:
        return self.info.terminator


@dataclass(eq=False)
class Block:
    label: str
    instrs: list[Instr] = field(default_factory=list)

    @property
    def terminator(self) -> Instr | None:
        return self.instrs[-1] if self.instrs and self.instrs[-1].is_terminator else None

    def successors(self) -> list[str]:
        term = self.terminator
        return [l.name for l in term.labels()] if term else []

    def phis(self) -> list[Instr]:
        out = []
        for ins in self.instrs:
            if ins.op != "PHI":
                break
            out.append(ins)
        return out


@dataclass(eq=False)
class Function:
    name: str
    params: list[Reg]
    ret: Type  # VOID for none
    blocks: list[Block] = field(default_factory=list)
    attrs: tuple[str, ...] = ()  # "export": visible to the linker (e.g. pyvm_program_main)

    @property
    def entry(self) -> Block:
        return self.blocks[0]

    def block(self, label: str) -> Block:
        for b in self.blocks:
            if b.label == label:
                return b
        raise KeyError(label)

    def block_map(self) -> dict[str, Block]:
        return {b.label: b for b in self.blocks}

    def instructions(self) -> Iterator[tuple[Block, Instr]]:
        for b in self.blocks:
            for ins in b.instrs:
                yield b, ins


@dataclass(eq=False)
class Extern:
    """A function defined outside the module (the C runtime, libm)."""

    name: str
    params: list[Type]
    ret: Type
    attrs: tuple[str, ...] = ()  # "noreturn", "readonly" (no writes), "readnone" (no memory at all)


@dataclass(eq=False)
class Data:
    """A data item: `const` bytes (read-only) or `zero` bytes (a mutable global slot)."""

    name: str
    kind: str  # "const" | "zero"
    content: bytes = b""  # for const
    size: int = 0  # for zero
    align: int = 8


EXTERN_ATTRS = ("noreturn", "readonly", "readnone")
FUNCTION_ATTRS = ("export", "inline", "noinline")


@dataclass(eq=False)
class Module:
    name: str
    data: list[Data] = field(default_factory=list)
    externs: list[Extern] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)

    def function(self, name: str) -> Function | None:
        return next((f for f in self.functions if f.name == name), None)

    def extern(self, name: str) -> Extern | None:
        return next((e for e in self.externs if e.name == name), None)

    def symbols(self) -> dict[str, Function | Extern | Data]:
        table: dict[str, Function | Extern | Data] = {}
        for item in [*self.data, *self.externs, *self.functions]:
            table[item.name] = item
        return table


# ---- building ------------------------------------------------------------------------------------

class Builder:
    """Appends instructions at the end of a current block, naming registers uniquely per function."""

    def __init__(self, function: Function):
        self.function = function
        self.block: Block | None = None
        self._names: dict[str, int] = {}
        for p in function.params:
            self._names[p.name] = 1

    def fresh(self, hint: str, t: Type) -> Reg:
        hint = hint or "t"
        n = self._names.get(hint, 0)
        self._names[hint] = n + 1
        return Reg(hint if n == 0 else f"{hint}.{n}", t)

    def new_block(self, hint: str) -> Block:
        n = self._names.get("@" + hint, 0)
        self._names["@" + hint] = n + 1
        block = Block(hint if n == 0 else f"{hint}.{n}")
        self.function.blocks.append(block)
        return block

    def position_at_end(self, block: Block) -> None:
        self.block = block

    @property
    def terminated(self) -> bool:
        return self.block is None or self.block.terminator is not None

    def emit(self, op: str, operands: list[Operand], t: Type | None = None, hint: str = "") -> Reg | None:
        assert self.block is not None and self.block.terminator is None, f"emit {op} after a terminator"
        dest = self.fresh(hint or op.lower(), t) if t is not None else None
        self.block.instrs.append(Instr(op, dest, list(operands)))
        return dest

    # conveniences for the common shapes
    def binary(self, op: str, a: Value, b: Value, hint: str = "") -> Reg:
        return self.emit(op, [a, b], a.type, hint)

    def icmp(self, cond: str, a: Value, b: Value, hint: str = "") -> Reg:
        return self.emit("ICMP", [cond, a, b], I1, hint or "c")

    def fcmp(self, cond: str, a: Value, b: Value, hint: str = "") -> Reg:
        return self.emit("FCMP", [cond, a, b], I1, hint or "c")

    def cast(self, op: str, v: Value, t: Type, hint: str = "") -> Reg:
        return self.emit(op, [v], t, hint)

    def alloca(self, size: int, align: int = 8, hint: str = "slot") -> Reg:
        return self.emit("ALLOCA", [size, align], PTR, hint)

    def load(self, t: Type, ptr: Value, align: int = 8, hint: str = "") -> Reg:
        return self.emit("LOAD", [ptr, align], t, hint or "ld")

    def store(self, value: Value, ptr: Value, align: int = 8) -> None:
        self.emit("STORE", [value, ptr, align])

    def gep(self, base: Value, index: Value, scale: int, offset: int = 0, hint: str = "") -> Reg:
        return self.emit("GEP", [base, index, scale, offset], PTR, hint or "p")

    def call(self, callee: Value, args: list[Value], ret: Type, hint: str = "") -> Reg | None:
        return self.emit("CALL", [callee, *args], None if ret.kind == "void" else ret, hint or "r")

    def intrinsic(self, name: str, args: list[Value], t: Type, hint: str = "") -> Reg:
        return self.emit("INTRINSIC", [name, *args], t, hint or name)

    def jump(self, target: Block) -> None:
        self.emit("JUMP", [Label(target.label)])

    def jump_if(self, cond: Value, then: Block, otherwise: Block) -> None:
        self.emit("JUMP_IF", [cond, Label(then.label), Label(otherwise.label)])

    def ret(self, value: Value | None = None) -> None:
        self.emit("RET", [] if value is None else [value])

    def unreachable(self) -> None:
        self.emit("UNREACHABLE", [])


def i64(value: int) -> Const:
    return Const(I64, value)


def i1(value: bool) -> Const:
    return Const(I1, int(bool(value)))


NULL = Const(PTR, 0)
