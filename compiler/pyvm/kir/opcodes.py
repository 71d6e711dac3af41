"""The opcode table: the single source of truth for KIR's printer, parser, verifier, interpreter,
constant folder and backends.

Each entry says how the instruction is written (`syntax`: the kinds of its operands in text order),
which operand types it accepts, what type its result has, and its effects. The interpreter and the
folder take arithmetic meaning from `pyvm.kir.semantics` through `OpInfo.group`; backends map each
group to their instruction selection, so adding an opcode here makes every consumer fail loudly
until it handles it.

Conventions every consumer follows: integers wrap (no undefined overflow); i1 holds 0 or 1 and reads as
-1 only where a signed view is asked for (ICMP signed conditions, SEXT); signed ICMP conditions on ptr
compare addresses as unsigned; MEMCPY is (destination, source, size) and its regions may not overlap
unless they are equal; ATOMIC_CMP_XCHG on floats compares by value (NaN never matches, -0.0 == 0.0).

Operand kinds in `syntax`:
    v         a value: %reg, a typed constant (i64 5, f64 0.5, ptr null) or a symbol ($name)
    cond      an ICMP/FCMP condition keyword
    label     a block label (@name)
    imm       an integer immediate (sizes, alignments, scales, offsets)
    ord       an atomic memory ordering
    rmwop     an ATOMIC_RMW operation
    name      an intrinsic's name
    args      the rest of the values, in parentheses (written right after the previous operand)
    v?        an optional value (RET)
    incoming  PHI's [value, @label] pairs
    cases     SWITCH's [constant: @label] pairs
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvm.kir.types import F32, F64, I1, I8, I16, I32, I64, PTR, Type


@dataclass(frozen=True)
class OpInfo:
    name: str
    group: str  # "binary", "unary", "icmp", "fcmp", "select", "cast", "copy", "memory", "call",
    # "intrinsic", "phi", "atomic", "terminator"
    syntax: tuple[str, ...]
    operands: str  # operand type rule: "int", "num", "float", "any", "bool", ...
    result: str  # "none", "same" (as the first value operand), "i1", "declared"
    terminator: bool = False
    side_effects: bool = False  # must stay even when the result is unused
    may_trap: bool = False  # undefined for some inputs: never speculate it, fold only safe inputs
    commutative: bool = False
    reads_memory: bool = False
    writes_memory: bool = False


def _binary(name, operands="num", commutative=False, may_trap=False):
    return OpInfo(name, "binary", ("v", "v"), operands, "same", commutative=commutative, may_trap=may_trap)


def _cast(name, src, dst):
    return OpInfo(name, "cast", ("v",), f"{src}->{dst}", "declared")


_TABLE = [
    # arithmetic: integer or float (by the operand type)
    _binary("ADD", commutative=True), _binary("SUB"), _binary("MUL", commutative=True),
    _binary("DIV", may_trap=True), _binary("REM", may_trap=True),
    _binary("UDIV", "int", may_trap=True), _binary("UREM", "int", may_trap=True),
    OpInfo("NEG", "unary", ("v",), "num", "same"),
    # bitwise
    _binary("AND", "int", commutative=True), _binary("OR", "int", commutative=True),
    _binary("XOR", "int", commutative=True),
    _binary("SHL", "int", may_trap=True), _binary("SHR", "int", may_trap=True),
    _binary("LSHR", "int", may_trap=True),
    OpInfo("NOT", "unary", ("v",), "int", "same"),
    # comparison and selection
    OpInfo("ICMP", "icmp", ("cond", "v", "v"), "int|ptr", "i1"),
    OpInfo("FCMP", "fcmp", ("cond", "v", "v"), "float", "i1"),
    OpInfo("SELECT", "select", ("v", "v", "v"), "select", "same-as-2"),
    OpInfo("COPY", "copy", ("v",), "any", "same"),
    # casts
    _cast("ZEXT", "int", "int"), _cast("SEXT", "int", "int"), _cast("TRUNC", "int", "int"),
    _cast("FPEXT", "float", "float"), _cast("FPTRUNC", "float", "float"),
    _cast("SITOFP", "int", "float"), _cast("UITOFP", "int", "float"),
    OpInfo("FPTOSI", "cast", ("v",), "float->int", "declared", may_trap=True),
    OpInfo("FPTOUI", "cast", ("v",), "float->int", "declared", may_trap=True),
    _cast("BITCAST", "any", "any"), _cast("INT2PTR", "int", "ptr"), _cast("PTR2INT", "ptr", "int"),
    # memory
    OpInfo("ALLOCA", "memory", ("imm", "imm"), "none", "declared"),  # size in bytes, alignment
    OpInfo("LOAD", "memory", ("v", "imm"), "ptr", "declared", may_trap=True, reads_memory=True),
    OpInfo("STORE", "memory", ("v", "v", "imm"), "store", "none", side_effects=True, may_trap=True,
           writes_memory=True),
    OpInfo("GEP", "memory", ("v", "v", "imm", "imm"), "gep", "declared"),  # base + index*scale + offset
    OpInfo("MEMSET", "memory", ("v", "v", "v", "imm"), "memset", "none", side_effects=True, may_trap=True,
           writes_memory=True),
    OpInfo("MEMCPY", "memory", ("v", "v", "v", "imm"), "memcpy", "none", side_effects=True, may_trap=True,
           reads_memory=True, writes_memory=True),
    # calls
    OpInfo("CALL", "call", ("v", "args"), "call", "declared-or-none", side_effects=True, may_trap=True,
           reads_memory=True, writes_memory=True),
    OpInfo("INTRINSIC", "intrinsic", ("name", "args"), "intrinsic", "declared"),
    OpInfo("PHI", "phi", ("incoming",), "any", "declared"),
    # atomics (the actor runtime's mailboxes and counters; compiled code rarely needs them)
    OpInfo("ATOMIC_LOAD", "atomic", ("v", "ord"), "ptr", "declared", side_effects=True, may_trap=True,
           reads_memory=True),
    OpInfo("ATOMIC_STORE", "atomic", ("v", "v", "ord"), "store", "none", side_effects=True, may_trap=True,
           writes_memory=True),
    OpInfo("ATOMIC_RMW", "atomic", ("rmwop", "v", "v", "ord"), "rmw", "declared", side_effects=True,
           may_trap=True, reads_memory=True, writes_memory=True),
    OpInfo("ATOMIC_CMP_XCHG", "atomic", ("v", "v", "v", "ord", "ord"), "cmpxchg", "declared",
           side_effects=True, may_trap=True, reads_memory=True, writes_memory=True),
    OpInfo("FENCE", "atomic", ("ord",), "none", "none", side_effects=True, reads_memory=True,
           writes_memory=True),
    # control flow
    OpInfo("JUMP", "terminator", ("label",), "none", "none", terminator=True, side_effects=True),
    OpInfo("JUMP_IF", "terminator", ("v", "label", "label"), "bool", "none", terminator=True,
           side_effects=True),
    OpInfo("SWITCH", "terminator", ("v", "label", "cases"), "int", "none", terminator=True,
           side_effects=True),
    OpInfo("RET", "terminator", ("v?",), "ret", "none", terminator=True, side_effects=True),
    OpInfo("UNREACHABLE", "terminator", (), "none", "none", terminator=True, side_effects=True),
]

OPCODES: dict[str, OpInfo] = {op.name: op for op in _TABLE}

ICMP_CONDS = ("eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle")
FCMP_CONDS = ("oeq", "one", "ogt", "oge", "olt", "ole", "ord", "uno",
              "ueq", "une", "ugt", "uge", "ult", "ule")
ORDERINGS = ("monotonic", "acquire", "release", "acq_rel", "seq_cst")
RMW_OPS = ("xchg", "add", "sub", "and", "or", "xor", "max", "min", "umax", "umin")


@dataclass(frozen=True)
class IntrinsicInfo:
    name: str
    shape: str  # "f->f": one float, result same; "ff->f"; "ii->i1": two same-width ints -> i1

    def result_type(self, arg_types: list[Type]) -> Type:
        return I1 if self.shape == "ii->i1" else arg_types[0]

    def check(self, arg_types: list[Type]) -> str | None:
        """None when the argument types fit, else why not."""
        arity = len(self.shape.split("->")[0])
        if len(arg_types) != arity:
            return f"intrinsic {self.name} takes {arity} arguments, got {len(arg_types)}"
        want_float = self.shape[0] == "f"
        for t in arg_types:
            if (t.is_float if want_float else t.is_int) is False:
                return f"intrinsic {self.name} takes {'float' if want_float else 'integer'} arguments, got {t}"
        if len(set(arg_types)) != 1:
            return f"intrinsic {self.name} needs arguments of one type"
        return None


INTRINSICS: dict[str, IntrinsicInfo] = {i.name: i for i in [
    *(IntrinsicInfo(n, "f->f") for n in ("sqrt", "floor", "ceil", "trunc", "fabs", "sin", "cos", "tan",
                                         "exp", "log", "log2", "log10")),
    IntrinsicInfo("pow", "ff->f"), IntrinsicInfo("copysign", "ff->f"),
    IntrinsicInfo("sadd_overflow", "ii->i1"), IntrinsicInfo("ssub_overflow", "ii->i1"),
    IntrinsicInfo("smul_overflow", "ii->i1"),
]}

__all__ = ["OPCODES", "OpInfo", "INTRINSICS", "IntrinsicInfo", "ICMP_CONDS", "FCMP_CONDS", "ORDERINGS",
           "RMW_OPS", "I1", "I8", "I16", "I32", "I64", "F32", "F64", "PTR"]
