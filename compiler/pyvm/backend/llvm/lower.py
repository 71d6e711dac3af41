"""Lower a KIR module to LLVM IR with llvmlite's IR builder (never IR text).

The opcode table (`pyvm.kir.opcodes`) drives everything: each opcode is lowered by the handler of
its name (memory, atomics, terminators) or of its group, and the groups that map one-to-one onto
LLVM instructions do so through the tables below (`INT_BINARY`, `CASTS`, `ICMP`, ...). An opcode, an
intrinsic or an attribute the tables do not know raises `UnsupportedOpcode`, naming it;
`unhandled_opcodes()` lists what the table has and this backend lacks (nothing, today).

Types: iN is LLVM's iN, f32/f64 are float/double, ptr is llvmlite's default pointer flavour: a typed
`i8*` (LLVM itself parses it as an opaque `ptr`), cast to the accessed type at each load, store,
atomic and indirect call.

KIR semantics kept exactly (see `pyvm.kir.semantics`):
  * integer arithmetic wraps: no nsw/nuw flags anywhere, no `inbounds` on GEPs;
  * what KIR leaves undefined (division by zero, INT_MIN / -1, over-wide shifts, out-of-range float
    to int conversion) may become LLVM poison or UB;
  * i1 is 0/1 in KIR: i1 DIV/REM use udiv/urem (LLVM's sdiv reads 1/1 as -1/-1, an overflow), FPTOSI
    to i1 uses fptoui (KIR defines 0.0..1.99 -> 0/1; LLVM's fptosi only -1.99..0.99), i1 lives
    in memory as a byte written 0/1 and read back as its low bit, and i1 *_overflow intrinsics check
    KIR's 0..1 range;
  * f32 transcendental intrinsics (sin ... pow) are computed in double and rounded once, as KIR does;
  * SWITCH case constants wrap to the value's type, and the first of two equal cases wins;
  * signed ICMP conditions on ptr compare addresses as unsigned (KIR's ptr values are unsigned).
ALLOCAs are all hoisted to the entry block, so SROA/mem2reg can promote them and loops do not grow the
stack. Only blocks reachable from the entry are lowered (KIR allows dead blocks whose code does not
respect dominance; LLVM would reject it).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable

import llvmlite.ir as ir

from pyvm.kir.ir import Block, Const, Data, Function, Instr, Label, Module, Reg, Sym
from pyvm.kir.opcodes import INTRINSICS, OPCODES
from pyvm.kir.types import F32, F64, I1, I8, Type


class UnsupportedOpcode(NotImplementedError):
    """KIR the LLVM backend has no lowering for: an opcode, intrinsic, condition or attribute."""

    def __init__(self, what: str, detail: str = ""):
        super().__init__(f"LLVM backend: no lowering for {what}" + (f" ({detail})" if detail else ""))
        self.what = what


class LoweringError(Exception):
    """The KIR module is malformed in a way the verifier did not catch."""


# ---- types and constants -------------------------------------------------------------------------

I8PTR = ir.IntType(8).as_pointer()
LLVM_TYPES: dict[str, ir.Type] = {
    "i1": ir.IntType(1), "i8": ir.IntType(8), "i16": ir.IntType(16), "i32": ir.IntType(32),
    "i64": ir.IntType(64), "f32": ir.FloatType(), "f64": ir.DoubleType(), "ptr": I8PTR,
    "void": ir.VoidType(),
}
_I8 = LLVM_TYPES["i8"]
_I64 = LLVM_TYPES["i64"]
_FALSE = ir.Constant(ir.IntType(1), 0)


def llvm_type(t: Type) -> ir.Type:
    try:
        return LLVM_TYPES[t.name]
    except KeyError:
        raise UnsupportedOpcode(f"type {t}") from None


def _signed(bits: int, value: int) -> int:
    if bits == 1:
        return value & 1
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def lower_const(c: Const) -> ir.Constant:
    t = c.type
    if t.is_int:
        return ir.Constant(llvm_type(t), _signed(t.bits, int(c.value)))
    if t.is_float:
        return ir.Constant(llvm_type(t), float(c.value))
    if t.is_ptr:
        if c.value == 0:
            return ir.Constant(I8PTR, None)
        return ir.Constant(_I64, _signed(64, int(c.value))).inttoptr(I8PTR)
    raise UnsupportedOpcode(f"constant of type {t}")


def _ext_attr(t: Type) -> str | None:
    """The C ABI's extension attribute for small integers (bool, int8_t, int16_t), as clang emits it."""
    if t == I1:
        return "zeroext"
    if t.is_int and t.bits < 32:
        return "signext"
    return None


# ---- the tables ----------------------------------------------------------------------------------

# IRBuilder method per opcode, by operand type.
INT_BINARY = {"ADD": "add", "SUB": "sub", "MUL": "mul", "DIV": "sdiv", "REM": "srem", "UDIV": "udiv",
              "UREM": "urem", "AND": "and_", "OR": "or_", "XOR": "xor", "SHL": "shl", "SHR": "ashr",
              "LSHR": "lshr"}
I1_BINARY = {**INT_BINARY, "DIV": "udiv", "REM": "urem"}
FLOAT_BINARY = {"ADD": "fadd", "SUB": "fsub", "MUL": "fmul", "DIV": "fdiv", "REM": "frem"}
INT_UNARY = {"NEG": "neg", "NOT": "not_"}  # neg is `sub 0, x`; not_ is `xor x, -1`
FLOAT_UNARY = {"NEG": "fneg"}

# KIR's condition names are LLVM's; llvmlite spells them as (method, operator).
ICMP = {"eq": ("icmp_signed", "=="), "ne": ("icmp_signed", "!="),
        "ugt": ("icmp_unsigned", ">"), "uge": ("icmp_unsigned", ">="),
        "ult": ("icmp_unsigned", "<"), "ule": ("icmp_unsigned", "<="),
        "sgt": ("icmp_signed", ">"), "sge": ("icmp_signed", ">="),
        "slt": ("icmp_signed", "<"), "sle": ("icmp_signed", "<=")}
# KIR's ptr values are unsigned addresses: its signed conditions order them as unsigned too.
ICMP_PTR = {cond: ("icmp_unsigned", op) for cond, (_, op) in ICMP.items()}
FCMP = {"oeq": ("fcmp_ordered", "=="), "one": ("fcmp_ordered", "!="),
        "ogt": ("fcmp_ordered", ">"), "oge": ("fcmp_ordered", ">="),
        "olt": ("fcmp_ordered", "<"), "ole": ("fcmp_ordered", "<="),
        "ord": ("fcmp_ordered", "ord"), "uno": ("fcmp_unordered", "uno"),
        "ueq": ("fcmp_unordered", "=="), "une": ("fcmp_unordered", "!="),
        "ugt": ("fcmp_unordered", ">"), "uge": ("fcmp_unordered", ">="),
        "ult": ("fcmp_unordered", "<"), "ule": ("fcmp_unordered", "<=")}

CASTS = {"ZEXT": "zext", "SEXT": "sext", "TRUNC": "trunc", "FPEXT": "fpext", "FPTRUNC": "fptrunc",
         "SITOFP": "sitofp", "UITOFP": "uitofp", "FPTOSI": "fptosi", "FPTOUI": "fptoui",
         "BITCAST": "bitcast", "INT2PTR": "inttoptr", "PTR2INT": "ptrtoint"}
# KIR's FPTOSI to i1 is defined on [0, 1] (i1's range); LLVM's fptosi to i1 only on [-1, 0].
CASTS_TO_I1 = {**CASTS, "FPTOSI": "fptoui"}

# Float intrinsics: KIR name -> (LLVM intrinsic, number of arguments).
FLOAT_INTRINSICS = {
    **{name: (f"llvm.{name}", 1) for name in ("sqrt", "floor", "ceil", "trunc", "fabs", "sin", "cos",
                                              "tan", "exp", "log", "log2", "log10")},
    "pow": ("llvm.pow", 2), "copysign": ("llvm.copysign", 2),
}
# Not correctly rounded in libm: KIR computes them in double and rounds to f32 once, and so do we.
F32_VIA_F64 = frozenset({"sin", "cos", "tan", "exp", "log", "log2", "log10", "pow"})
# Overflow checks: KIR name -> (IRBuilder *_with_overflow method, plain i8 op for i1 operands).
OVERFLOW_INTRINSICS = {"sadd_overflow": ("sadd_with_overflow", "add"),
                       "ssub_overflow": ("ssub_with_overflow", "sub"),
                       "smul_overflow": ("smul_with_overflow", "mul")}

# Atomics. KIR's RMW operation names are LLVM's. KIR accepts every ordering everywhere; LLVM does not,
# so the meaningless combinations are strengthened (a "release" load becomes seq_cst, a relaxed
# fence, which orders nothing, disappears) and cmpxchg's failure ordering follows C++'s rule.
RMW_OPS = {op: op for op in ("xchg", "add", "sub", "and", "or", "xor", "max", "min", "umax", "umin")}
# i1 lives in a byte holding 0/1; these keep it so (add/sub wrap mod 2; signed i1 reads 1 as -1, as ICMP).
I1_RMW_OPS = {"xchg": "xchg", "add": "xor", "sub": "xor", "and": "and", "or": "or", "xor": "xor",
              "max": "and", "min": "or", "umax": "or", "umin": "and"}
LOAD_ORDERING = {"monotonic": "monotonic", "acquire": "acquire", "release": "seq_cst",
                 "acq_rel": "seq_cst", "seq_cst": "seq_cst"}
STORE_ORDERING = {"monotonic": "monotonic", "acquire": "seq_cst", "release": "release",
                  "acq_rel": "seq_cst", "seq_cst": "seq_cst"}
RMW_ORDERING = {o: o for o in ("monotonic", "acquire", "release", "acq_rel", "seq_cst")}
CMPXCHG_FAILURE_ORDERING = {"monotonic": "monotonic", "acquire": "acquire", "release": "monotonic",
                            "acq_rel": "acquire", "seq_cst": "seq_cst"}
FENCE_ORDERING = {"monotonic": None, "acquire": "acquire", "release": "release", "acq_rel": "acq_rel",
                  "seq_cst": "seq_cst"}

# Attributes: KIR's -> LLVM function attributes (None: handled otherwise).
FUNCTION_ATTRS = {"export": None, "inline": "inlinehint", "noinline": "noinline"}
EXTERN_ATTRS = {"noreturn": "noreturn", "readonly": "readonly", "readnone": "readnone"}


def _lookup(table: dict, key, what: str, detail: str = ""):
    try:
        return table[key]
    except KeyError:
        raise UnsupportedOpcode(what, detail) from None


# ---- functions -----------------------------------------------------------------------------------

class FunctionLowering:
    """Lowers one KIR function body into its (already declared) LLVM function."""

    def __init__(self, owner: ModuleLowering, fn: Function, llfn: ir.Function):
        self.owner, self.fn, self.llfn = owner, fn, llfn
        self.values: dict[Reg, ir.Value] = dict(zip(fn.params, llfn.args))
        self.blocks: dict[str, ir.Block] = {}
        self.exits: dict[str, ir.Block] = {}  # the LLVM block holding each KIR block's terminator
        self.edges: Counter[tuple[str, str]] = Counter()  # CFG edges as emitted (multi-edges count)
        self.phis: list[tuple[Instr, ir.PhiInstr, str]] = []
        self.builder = ir.IRBuilder()
        self.current = ""

    # -- values --
    def value(self, v) -> ir.Value:
        if isinstance(v, Reg):
            try:
                return self.values[v]
            except KeyError:
                raise LoweringError(f"${self.fn.name}: {v} used before it is defined") from None
        if isinstance(v, Const):
            return lower_const(v)
        if isinstance(v, Sym):
            return self.owner.symbol_value(v.name)
        raise LoweringError(f"${self.fn.name}: {v!r} is not a value")

    def define(self, ins: Instr, value: ir.Value) -> None:
        self.values[ins.dest] = value

    def name(self, ins: Instr) -> str:
        return ins.dest.name if ins.dest is not None else ""

    def typed_ptr(self, addr: ir.Value, t: ir.Type) -> ir.Value:
        return addr if t == _I8 else self.builder.bitcast(addr, t.as_pointer())

    def block(self, label: Label) -> ir.Block:
        self.edges[(self.current, label.name)] += 1
        return self.blocks[label.name]

    # -- the CFG as it will be emitted --
    def successors(self, block: Block) -> list[str]:
        term = block.terminator
        if term is None:
            raise LoweringError(f"${self.fn.name} @{block.label} has no terminator")
        if term.op == "SWITCH":
            return [term.operands[1].name] + [lab.name for _, lab in self.live_cases(term)]
        return [lab.name for lab in term.labels()]

    def live_cases(self, term: Instr) -> list[tuple[int, Label]]:
        """SWITCH's cases as KIR runs them: each constant wrapped to the value's type (i1: its low
        bit), the first of two equal ones winning (LLVM rejects repeated case values)."""
        t = term.operands[0].type
        cases: dict[int, Label] = {}
        for c, lab in term.switch_cases():
            cases.setdefault(_signed(t.bits, int(c)), lab)
        return list(cases.items())

    def reachable_order(self) -> list[Block]:
        """Blocks reachable from the entry in reverse postorder: definitions come before uses."""
        blocks = self.fn.block_map()
        seen, order = {self.fn.entry.label}, []
        stack = [(self.fn.entry, iter(self.successors(self.fn.entry)))]
        while stack:
            block, succs = stack[-1]
            for s in succs:
                if s not in seen:
                    if s not in blocks:
                        raise LoweringError(f"${self.fn.name}: jump to unknown block @{s}")
                    seen.add(s)
                    stack.append((blocks[s], iter(self.successors(blocks[s]))))
                    break
            else:
                order.append(block)
                stack.pop()
        order.reverse()
        return order

    # -- the whole body --
    def run(self) -> None:
        order = self.reachable_order()
        live = {b.label for b in order}
        for b in self.fn.blocks:  # LLVM blocks in KIR's layout order, the entry first
            if b.label in live:
                self.blocks[b.label] = self.llfn.append_basic_block(b.label)
        # Every ALLOCA goes to the top of the entry block.
        self.builder.position_at_end(self.blocks[self.fn.entry.label])
        for b in order:
            for ins in b.instrs:
                if ins.op == "ALLOCA":
                    size, align = ins.operands
                    slot = self.builder.alloca(ir.ArrayType(_I8, size), name=ins.dest.name + ".slot")
                    slot.align = align
                    self.define(ins, self.builder.bitcast(slot, I8PTR, name=ins.dest.name))
        # PHIs first, so every block's PHIs exist before any instruction is lowered.
        for b in order:
            self.builder.position_at_end(self.blocks[b.label])
            for ins in b.phis():
                phi = self.builder.phi(llvm_type(ins.dest.type), name=ins.dest.name)
                self.define(ins, phi)
                self.phis.append((ins, phi, b.label))
        for b in order:
            self.current = b.label
            self.builder.position_at_end(self.blocks[b.label])
            for ins in b.instrs:
                handler_for(ins.op)(self, ins)
            self.exits[b.label] = self.builder.block  # a lowering may have split the block
        # Incoming values once every block (and so every value) exists: one entry per CFG edge.
        for ins, phi, label in self.phis:
            for value, lab in ins.phi_incoming():
                for _ in range(self.edges[(lab.name, label)]):
                    phi.add_incoming(self.value(value), self.exits[lab.name])
            if not phi.incomings:
                raise LoweringError(f"${self.fn.name} @{label}: {ins.dest} has no incoming edge")


# ---- handlers: groups ----------------------------------------------------------------------------

def _binary(fl: FunctionLowering, ins: Instr) -> None:
    a, b = ins.operands
    t = a.type
    table = FLOAT_BINARY if t.is_float else I1_BINARY if t == I1 else INT_BINARY
    method = _lookup(table, ins.op, ins.op, f"on {t}")
    fl.define(ins, getattr(fl.builder, method)(fl.value(a), fl.value(b), name=fl.name(ins)))


def _unary(fl: FunctionLowering, ins: Instr) -> None:
    (a,) = ins.operands
    method = _lookup(FLOAT_UNARY if a.type.is_float else INT_UNARY, ins.op, ins.op, f"on {a.type}")
    fl.define(ins, getattr(fl.builder, method)(fl.value(a), name=fl.name(ins)))


def _icmp(fl: FunctionLowering, ins: Instr) -> None:
    cond, a, b = ins.operands
    method, op = _lookup(ICMP_PTR if a.type.is_ptr else ICMP, cond, f"ICMP condition {cond!r}")
    fl.define(ins, getattr(fl.builder, method)(op, fl.value(a), fl.value(b), name=fl.name(ins)))


def _fcmp(fl: FunctionLowering, ins: Instr) -> None:
    cond, a, b = ins.operands
    method, op = _lookup(FCMP, cond, f"FCMP condition {cond!r}")
    fl.define(ins, getattr(fl.builder, method)(op, fl.value(a), fl.value(b), name=fl.name(ins)))


def _select(fl: FunctionLowering, ins: Instr) -> None:
    c, a, b = (fl.value(v) for v in ins.operands)
    fl.define(ins, fl.builder.select(c, a, b, name=fl.name(ins)))


def _copy(fl: FunctionLowering, ins: Instr) -> None:
    fl.define(ins, fl.value(ins.operands[0]))


def _cast(fl: FunctionLowering, ins: Instr) -> None:
    method = _lookup(CASTS_TO_I1 if ins.dest.type == I1 else CASTS, ins.op, ins.op)
    fl.define(ins, getattr(fl.builder, method)(fl.value(ins.operands[0]), llvm_type(ins.dest.type),
                                               name=fl.name(ins)))


def _call(fl: FunctionLowering, ins: Instr) -> None:
    callee, args = ins.operands[0], ins.operands[1:]
    argv = [fl.value(a) for a in args]
    target = fl.owner.functions.get(callee.name) if isinstance(callee, Sym) else None
    if target is not None:
        call = fl.builder.call(target, argv, name=fl.name(ins))
    else:  # indirect: the function type comes from the call itself
        ret = llvm_type(ins.dest.type) if ins.dest is not None else ir.VoidType()
        fnty = ir.FunctionType(ret, [a.type for a in argv])
        fnptr = fl.builder.bitcast(fl.value(callee), fnty.as_pointer())
        attrs = {i: (_ext_attr(a.type),) for i, a in enumerate(args) if _ext_attr(a.type)}
        call = fl.builder.call(fnptr, argv, name=fl.name(ins), arg_attrs=attrs or None)
    if ins.dest is not None:
        fl.define(ins, call)


def _intrinsic(fl: FunctionLowering, ins: Instr) -> None:
    name, args = ins.operands[0], [fl.value(v) for v in ins.operands[1:]]
    if name not in INTRINSICS:
        raise UnsupportedOpcode(f"INTRINSIC {name!r}", "not in the opcode table's INTRINSICS")
    b, module = fl.builder, fl.owner.module
    t = ins.operands[1].type
    if name in FLOAT_INTRINSICS:
        llname, arity = FLOAT_INTRINSICS[name]
        via_f64 = t == F32 and name in F32_VIA_F64
        ty = llvm_type(F64 if via_f64 else t)
        if via_f64:
            args = [b.fpext(a, ty) for a in args]
        fn = module.declare_intrinsic(llname, [ty], fnty=ir.FunctionType(ty, [ty] * arity))
        result = b.call(fn, args, name=fl.name(ins) + (".f64" if via_f64 else ""))
        if via_f64:
            result = b.fptrunc(result, llvm_type(F32), name=fl.name(ins))
        fl.define(ins, result)
    elif name in OVERFLOW_INTRINSICS:
        method, i1_op = OVERFLOW_INTRINSICS[name]
        if t == I1:  # KIR's i1 range is 0..1: compute exactly in i8 and check the range
            exact = getattr(b, i1_op)(*(b.zext(a, _I8) for a in args))
            fl.define(ins, b.icmp_unsigned(">", exact, ir.Constant(_I8, 1), name=fl.name(ins)))
        else:
            pair = getattr(b, method)(*args)
            fl.define(ins, b.extract_value(pair, 1, name=fl.name(ins)))
    else:
        raise UnsupportedOpcode(f"INTRINSIC {name!r}")


def _phi(fl: FunctionLowering, ins: Instr) -> None:
    """PHIs are created before the block is lowered and completed after the function (see run)."""
    if ins.dest not in fl.values:
        raise LoweringError(f"${fl.fn.name}: PHI {ins.dest} after a non-PHI instruction")


# ---- handlers: memory ----------------------------------------------------------------------------

def _alloca(fl: FunctionLowering, ins: Instr) -> None:
    """Hoisted to the entry block before the body is lowered (see run)."""


def _load(fl: FunctionLowering, ins: Instr) -> None:
    addr, align = ins.operands
    t = ins.dest.type
    if t == I1:  # a byte; its low bit is the value
        byte = fl.builder.load(fl.value(addr), name=ins.dest.name + ".byte", align=align)
        fl.define(ins, fl.builder.trunc(byte, llvm_type(I1), name=ins.dest.name))
        return
    lt = llvm_type(t)
    fl.define(ins, fl.builder.load(fl.typed_ptr(fl.value(addr), lt), name=ins.dest.name, align=align))


def _store(fl: FunctionLowering, ins: Instr) -> None:
    value, addr, align = ins.operands
    v = fl.value(value)
    if value.type == I1:
        v = fl.builder.zext(v, _I8)
    fl.builder.store(v, fl.typed_ptr(fl.value(addr), v.type), align=align)


def _gep(fl: FunctionLowering, ins: Instr) -> None:
    base, index, scale, offset = ins.operands
    b = fl.builder
    if isinstance(index, Const):
        idx = int(index.value) if index.type != I1 else int(index.value) & 1
        delta = ir.Constant(_I64, _signed(64, idx * scale + offset))
    else:
        delta = fl.value(index)
        if index.type.bits < 64:
            delta = b.zext(delta, _I64) if index.type == I1 else b.sext(delta, _I64)
        if scale != 1:
            delta = b.mul(delta, ir.Constant(_I64, _signed(64, scale)))
        if offset != 0:
            delta = b.add(delta, ir.Constant(_I64, _signed(64, offset)))
    fl.define(ins, b.gep(fl.value(base), [delta], name=ins.dest.name))


def _length(fl: FunctionLowering, v) -> ir.Value:
    n = fl.value(v)
    return fl.builder.zext(n, _I64) if v.type.bits < 64 else n


def _set_align(call: ir.CallInstr, index: int, align: int) -> None:
    if align > 1:
        call.arg_attributes[index].align = align


def _memset(fl: FunctionLowering, ins: Instr) -> None:
    dst, byte, size, align = ins.operands
    fn = fl.owner.module.declare_intrinsic("llvm.memset", [I8PTR, _I64])
    call = fl.builder.call(fn, [fl.value(dst), fl.value(byte), _length(fl, size), _FALSE],
                           arg_attrs={0: ()})
    _set_align(call, 0, align)


def _memcpy(fl: FunctionLowering, ins: Instr) -> None:
    dst, src, size, align = ins.operands  # C's order: destination, source, length
    fn = fl.owner.module.declare_intrinsic("llvm.memcpy", [I8PTR, I8PTR, _I64])
    call = fl.builder.call(fn, [fl.value(dst), fl.value(src), _length(fl, size), _FALSE],
                           arg_attrs={0: (), 1: ()})
    _set_align(call, 0, align)
    _set_align(call, 1, align)


# ---- handlers: atomics ---------------------------------------------------------------------------

def _atomic_type(t: Type) -> tuple[ir.Type, ir.Type]:
    """(the type LLVM's instruction works on, KIR's type) for an atomic access: i1 is a byte, a float
    its bits."""
    if t == I1:
        return _I8, llvm_type(t)
    if t.is_float:
        return ir.IntType(t.bits), llvm_type(t)
    return llvm_type(t), llvm_type(t)


def _to_atomic(fl: FunctionLowering, v: ir.Value, at: ir.Type) -> ir.Value:
    if v.type == at:
        return v
    return fl.builder.zext(v, at) if isinstance(v.type, ir.IntType) else fl.builder.bitcast(v, at)


def _from_atomic(fl: FunctionLowering, v: ir.Value, kt: ir.Type, name: str) -> ir.Value:
    if v.type == kt:
        return v
    return fl.builder.trunc(v, kt, name=name) if isinstance(kt, ir.IntType) else fl.builder.bitcast(v, kt, name=name)


def _atomic_load(fl: FunctionLowering, ins: Instr) -> None:
    addr, order = ins.operands
    t = ins.dest.type
    lt = llvm_type(t) if not t == I1 else _I8
    ordering = _lookup(LOAD_ORDERING, order, f"ATOMIC_LOAD ordering {order!r}")
    v = fl.builder.load_atomic(fl.typed_ptr(fl.value(addr), lt), ordering, max(1, t.size),
                               name=ins.dest.name + (".byte" if t == I1 else ""))
    fl.define(ins, _from_atomic(fl, v, llvm_type(t), ins.dest.name))


def _atomic_store(fl: FunctionLowering, ins: Instr) -> None:
    value, addr, order = ins.operands
    ordering = _lookup(STORE_ORDERING, order, f"ATOMIC_STORE ordering {order!r}")
    v = fl.value(value)
    if value.type == I1:
        v = fl.builder.zext(v, _I8)
    fl.builder.store_atomic(v, fl.typed_ptr(fl.value(addr), v.type), ordering, max(1, value.type.size))


def _atomic_rmw(fl: FunctionLowering, ins: Instr) -> None:
    op, addr, value, order = ins.operands
    llop = _lookup(I1_RMW_OPS if value.type == I1 else RMW_OPS, op, f"ATOMIC_RMW operation {op!r}")
    ordering = _lookup(RMW_ORDERING, order, f"ATOMIC_RMW ordering {order!r}")
    at, kt = _atomic_type(value.type)
    old = fl.builder.atomic_rmw(llop, fl.typed_ptr(fl.value(addr), at), _to_atomic(fl, fl.value(value), at),
                                ordering, name=ins.dest.name + (".raw" if at != kt else ""))
    fl.define(ins, _from_atomic(fl, old, kt, ins.dest.name))


def _atomic_cmpxchg(fl: FunctionLowering, ins: Instr) -> None:
    addr, expected, new, success, failure = ins.operands
    at, kt = _atomic_type(expected.type)
    success_order = _lookup(RMW_ORDERING, success, f"ATOMIC_CMP_XCHG ordering {success!r}")
    failure_order = _lookup(CMPXCHG_FAILURE_ORDERING, failure, f"ATOMIC_CMP_XCHG failure ordering {failure!r}")
    if expected.type.is_float:
        _float_cmpxchg(fl, ins, at, kt, success_order, failure_order)
        return
    pair = fl.builder.cmpxchg(fl.typed_ptr(fl.value(addr), at),
                              _to_atomic(fl, fl.value(expected), at), _to_atomic(fl, fl.value(new), at),
                              success_order, failure_order, name=ins.dest.name + ".pair")
    old = fl.builder.extract_value(pair, 0, name=ins.dest.name + (".raw" if at != kt else ""))
    fl.define(ins, _from_atomic(fl, old, kt, ins.dest.name))


def _float_cmpxchg(fl: FunctionLowering, ins: Instr, at: ir.Type, kt: ir.Type, success_order: str,
                   failure_order: str) -> None:
    """KIR compares floats by value (-0.0 matches 0.0, NaN matches nothing); LLVM's cmpxchg compares
    bits. So: read the cell; while it equals `expected` as a float, try to swap its exact bits for
    `new`'s, retrying with what another thread stored meanwhile. The result is the value read last."""
    addr, expected, new = ins.operands[:3]
    b, name = fl.builder, ins.dest.name
    ptr = fl.typed_ptr(fl.value(addr), at)
    want, new_bits = fl.value(expected), b.bitcast(fl.value(new), at)
    first = b.load_atomic(ptr, failure_order, at.width // 8, name=name + ".first")
    entry = b.block
    loop = fl.llfn.append_basic_block(name + ".cas")
    attempt = fl.llfn.append_basic_block(name + ".try")
    done = fl.llfn.append_basic_block(name + ".done")
    b.branch(loop)
    b.position_at_end(loop)
    current = b.phi(at, name=name + ".bits")
    current.add_incoming(first, entry)
    b.cbranch(b.fcmp_ordered("==", b.bitcast(current, kt), want), attempt, done)
    b.position_at_end(attempt)
    pair = b.cmpxchg(ptr, current, new_bits, success_order, failure_order, name=name + ".pair")
    current.add_incoming(b.extract_value(pair, 0), attempt)
    b.cbranch(b.extract_value(pair, 1), done, loop)
    b.position_at_end(done)
    fl.define(ins, b.bitcast(current, kt, name=name))


def _fence(fl: FunctionLowering, ins: Instr) -> None:
    (order,) = ins.operands
    if order not in FENCE_ORDERING:
        raise UnsupportedOpcode(f"FENCE ordering {order!r}")
    if FENCE_ORDERING[order] is not None:
        fl.builder.fence(FENCE_ORDERING[order])


# ---- handlers: terminators -----------------------------------------------------------------------

def _jump(fl: FunctionLowering, ins: Instr) -> None:
    fl.builder.branch(fl.block(ins.operands[0]))


def _jump_if(fl: FunctionLowering, ins: Instr) -> None:
    cond, then, otherwise = ins.operands
    fl.builder.cbranch(fl.value(cond), fl.block(then), fl.block(otherwise))


def _switch(fl: FunctionLowering, ins: Instr) -> None:
    value, default = ins.operands[0], ins.operands[1]
    sw = fl.builder.switch(fl.value(value), fl.block(default))
    for case, lab in fl.live_cases(ins):
        sw.add_case(ir.Constant(llvm_type(value.type), case), fl.block(lab))


def _ret(fl: FunctionLowering, ins: Instr) -> None:
    if ins.operands:
        fl.builder.ret(fl.value(ins.operands[0]))
    else:
        fl.builder.ret_void()


def _unreachable(fl: FunctionLowering, ins: Instr) -> None:
    fl.builder.unreachable()


Handler = Callable[[FunctionLowering, Instr], None]

GROUP_HANDLERS: dict[str, Handler] = {
    "binary": _binary, "unary": _unary, "icmp": _icmp, "fcmp": _fcmp, "select": _select, "copy": _copy,
    "cast": _cast, "call": _call, "intrinsic": _intrinsic, "phi": _phi,
}
OPCODE_HANDLERS: dict[str, Handler] = {
    "ALLOCA": _alloca, "LOAD": _load, "STORE": _store, "GEP": _gep, "MEMSET": _memset, "MEMCPY": _memcpy,
    "ATOMIC_LOAD": _atomic_load, "ATOMIC_STORE": _atomic_store, "ATOMIC_RMW": _atomic_rmw,
    "ATOMIC_CMP_XCHG": _atomic_cmpxchg, "FENCE": _fence,
    "JUMP": _jump, "JUMP_IF": _jump_if, "SWITCH": _switch, "RET": _ret, "UNREACHABLE": _unreachable,
}
# Groups whose opcodes must also appear in a per-opcode table.
_GROUP_TABLES: dict[str, tuple[dict, ...]] = {
    "binary": (INT_BINARY,), "unary": (INT_UNARY,), "cast": (CASTS,),
}


def handler_for(op: str) -> Handler:
    info = OPCODES.get(op)
    if info is None:
        raise UnsupportedOpcode(op, "not in the opcode table")
    handler = OPCODE_HANDLERS.get(op) or GROUP_HANDLERS.get(info.group)
    if handler is None:
        raise UnsupportedOpcode(op, f"group {info.group!r}")
    return handler


def unhandled_opcodes() -> list[str]:
    """Opcodes (and intrinsics) in KIR's tables that this backend cannot lower: none, today."""
    missing = []
    for op, info in OPCODES.items():
        if op not in OPCODE_HANDLERS and info.group not in GROUP_HANDLERS:
            missing.append(op)
        elif any(op not in table for table in _GROUP_TABLES.get(info.group, ())):
            missing.append(op)
        elif info.group in ("binary", "unary") and info.operands == "num" and \
                op not in (FLOAT_BINARY if info.group == "binary" else FLOAT_UNARY):
            missing.append(f"{op} (float)")
    missing += [f"INTRINSIC {n}" for n in INTRINSICS if n not in FLOAT_INTRINSICS and n not in OVERFLOW_INTRINSICS]
    return missing


# ---- modules -------------------------------------------------------------------------------------

class ModuleLowering:
    def __init__(self, module: Module, triple: str, layout: str):
        self.kir = module
        self.module = ir.Module(name=module.name)
        self.module.triple = triple
        self.module.data_layout = layout
        self.functions: dict[str, ir.Function] = {}
        self.globals: dict[str, ir.GlobalVariable] = {}
        self._symbols: dict[str, ir.Constant] = {}

    def symbol_value(self, name: str) -> ir.Constant:
        """A symbol's address as a KIR ptr (i8*)."""
        if name not in self._symbols:
            target = self.functions.get(name) or self.globals.get(name)
            if target is None:
                raise LoweringError(f"unknown symbol ${name}")
            self._symbols[name] = target.bitcast(I8PTR)
        return self._symbols[name]

    def run(self) -> ir.Module:
        for d in self.kir.data:
            self.globals[d.name] = self.data(d)
        for e in self.kir.externs:
            self.functions[e.name] = self.declare(e.name, e.params, e.ret)
            for attr in e.attrs:
                self.functions[e.name].attributes.add(_lookup(EXTERN_ATTRS, attr, f"extern attribute {attr!r}"))
        for fn in self.kir.functions:
            llfn = self.declare(fn.name, [p.type for p in fn.params], fn.ret)
            for p, arg in zip(fn.params, llfn.args):
                arg.name = p.name
            if "export" not in fn.attrs:
                llfn.linkage = "internal"
            llfn.attributes.add("nounwind")  # KIR has no exceptions
            for attr in fn.attrs:
                llvm_attr = _lookup(FUNCTION_ATTRS, attr, f"function attribute {attr!r}")
                if llvm_attr is not None:
                    llfn.attributes.add(llvm_attr)
            self.functions[fn.name] = llfn
        for fn in self.kir.functions:
            FunctionLowering(self, fn, self.functions[fn.name]).run()
        return self.module

    def declare(self, name: str, params: list[Type], ret: Type) -> ir.Function:
        fnty = ir.FunctionType(llvm_type(ret), [llvm_type(t) for t in params])
        llfn = ir.Function(self.module, fnty, name)
        for t, arg in zip(params, llfn.args):
            if _ext_attr(t):
                arg.add_attribute(_ext_attr(t))
        if _ext_attr(ret):
            llfn.return_value.add_attribute(_ext_attr(ret))
        return llfn

    def data(self, d: Data) -> ir.GlobalVariable:
        if d.kind == "const":
            ty = ir.ArrayType(_I8, len(d.content))
            gv = ir.GlobalVariable(self.module, ty, d.name)
            gv.initializer = ir.Constant(ty, bytearray(d.content))
            gv.global_constant = True
            gv.unnamed_addr = True
            gv.linkage = "private"
        elif d.kind == "zero":
            ty = ir.ArrayType(_I8, d.size)
            gv = ir.GlobalVariable(self.module, ty, d.name)
            gv.initializer = ir.Constant(ty, None)
            gv.linkage = "internal"
        else:
            raise UnsupportedOpcode(f"data kind {d.kind!r}")
        gv.align = d.align
        return gv


def lower_module(module: Module, triple: str | None = None, *, verify_kir: bool = True) -> ir.Module:
    """KIR module -> llvmlite IR module for `triple` (default: the host's), with its data layout.

    Functions are internal unless exported (`export`); externs become declarations; `const` data a
    private unnamed_addr constant, `zero` data an internal zero-initialised global."""
    from pyvm.backend.llvm.target import data_layout, host_triple
    from pyvm.kir.verifier import verify

    if verify_kir:
        verify(module)
    triple = triple or host_triple()
    return ModuleLowering(module, triple, data_layout(triple)).run()
