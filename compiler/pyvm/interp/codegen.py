"""Compiles one KIR function, once, into Python functions the interpreter's driver loop calls.

A function's blocks are cut into *segments*: straight-line runs of instructions that end at a
terminator or at a call of a KIR function (direct or indirect), since such a call pushes a frame on
the thread's explicit frame stack instead of recursing in Python. Each segment becomes the source of
one Python function `s<k>(r)` over the frame's register list `r`:

    returns an int          jump: the segment to run next in this frame (PHIs already copied)
    returns a list          direct call: the callee's new frame, built by the caller (see below)
    returns (site, args, f) indirect call through the address f
    returns (RET, value)    return from the frame
    returns None            fell off the end of a block (the driver traps)

A frame *is* its register list: slot 0 holds the ALLOCA buffers it owns, slot 1 its FunctionCode,
slot 2 the CallSite it returns to (None for a thread's first frame), and the parameters come next.
Registers used only inside the segment that defines them are Python locals; the others (parameters,
PHI results, call results, values live across segments) have a slot in `r`. A PHI is a parallel copy on each incoming edge: `r[a], r[b] = x, y` evaluates every
input before writing any result. Arithmetic on common types is written inline; everything else, and
every case that may trap, calls `pyvm.kir.semantics` (tests check the inline forms against it).
Each generated line maps back to its KIR instruction, so a trap names the function, block and
instruction without any bookkeeping at run time.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from pyvm.kir import semantics
from pyvm.kir.cfg import predecessors
from pyvm.kir.ir import Block, Const, Function, Instr, Label, Reg, Sym
from pyvm.kir.opcodes import INTRINSICS, OPCODES
from pyvm.kir.printer import format_instr
from pyvm.kir.semantics import INTRINSIC_EVAL, Trap, as_float
from pyvm.kir.types import F32, F64, I1, PTR, TYPES, VOID, Type

from pyvm.interp.memory import (FAKE_BASE, MASK64, MEMORY_CTYPE, MIN_ADDRESS, address_space_views,
                                buffer_type)

if TYPE_CHECKING:
    from pyvm.interp.machine import Interpreter

DIRECT, INDIRECT, RETURN = "direct", "indirect", "return"
FIRST_SLOT = 3  # r[0]: ALLOCA buffers, r[1]: the FunctionCode, r[2]: the CallSite to return to


class CallSite:
    """A call (or the return marker): what the driver needs to push a frame and to come back."""

    __slots__ = ("kind", "target", "dest", "cont", "sig", "code", "block", "index")

    def __init__(self, kind, target=None, dest=0, cont=0, sig=None, code=None, block=None, index=None):
        self.kind = kind
        self.target = target  # FunctionCode for a direct call
        self.dest = dest  # register slot for the result in the caller, 0 for none
        self.cont = cont  # segment to resume the caller at
        self.sig = sig  # (param types, result type) as the call site sees them
        self.code, self.block, self.index = code, block, index  # the calling instruction

    def __repr__(self) -> str:
        return f"<CallSite {self.kind} {self.block}#{self.index}>"


RET = CallSite(RETURN)


class FunctionCode:
    """A KIR function as the interpreter runs it; `segs` stays None until its first call."""

    __slots__ = ("fn", "name", "address", "params", "ret", "sig", "segs", "costs", "pad", "source",
                 "filename", "line_where", "seg_where", "nslots")

    def __init__(self, fn: Function, address: int):
        self.fn, self.name, self.address = fn, fn.name, address
        self.params = tuple(p.type for p in fn.params)
        self.ret = fn.ret
        self.sig = (self.params, self.ret)
        self.segs = None
        self.nslots = None  # registers with a slot in r, known once laid out
        self.filename = f"<kir ${fn.name}>"

    def where(self, block: str, index: int | None):
        """The Where of an instruction (index None: the block itself)."""
        from pyvm.interp.errors import Where
        text = None
        if index is not None:
            try:
                text = format_instr(self.fn.block(block).instrs[index])
            except Exception:  # a malformed instruction still gets a location
                text = None
        return Where(self.name, block, index, text)

    def __repr__(self) -> str:
        return f"<FunctionCode ${self.name}{'' if self.segs is not None else ' (not compiled)'}>"


# ---- inline expression templates -----------------------------------------------------------------

def _int_lit(v: int) -> str:
    return f"({v})" if v < 0 else str(v)


def type_name(t: Type) -> str:
    return f"_T_{t.name}"


def wrap_fix(name: str, t: Type) -> str | None:
    """A statement that brings an int result back into t's signed range (None when t is i1)."""
    if t.bits == 1:
        return None
    half, mask = 1 << (t.bits - 1), (1 << t.bits) - 1
    return (f"if not {-half} <= {name} <= {half - 1}: {name} = (({name} + {half}) & {mask}) - {half}")


def binary_expr(op: str, t: Type, a: str, b: str) -> tuple[str, bool]:
    """(expression, needs wrap_fix) computing `op` on t, exactly as semantics.binary does."""
    T = type_name(t)
    slow = f"_binary({op!r}, {T}, {a}, {b})"
    if t.is_int:
        n = t.bits
        if n == 1:
            return {"ADD": f"{a} ^ {b}", "SUB": f"{a} ^ {b}", "XOR": f"{a} ^ {b}", "MUL": f"{a} & {b}",
                    "AND": f"{a} & {b}", "OR": f"{a} | {b}"}.get(op, slow), False
        mask = (1 << n) - 1
        if op in ("ADD", "SUB", "MUL"):
            return f"{a} {dict(ADD='+', SUB='-', MUL='*')[op]} {b}", True
        if op in ("AND", "OR", "XOR"):  # closed over the signed range: no wrap
            return f"{a} {dict(AND='&', OR='|', XOR='^')[op]} {b}", False
        if op == "DIV":
            return f"{a} // {b} if {a} >= 0 and {b} > 0 else {slow}", False
        if op == "REM":
            return f"{a} % {b} if {a} >= 0 and {b} > 0 else {slow}", False
        if op == "SHL":
            return f"{a} << {b} if 0 <= {b} < {n} else {slow}", True
        if op == "SHR":
            return f"{a} >> {b} if 0 <= {b} < {n} else {slow}", False
        if op == "LSHR":
            return f"({a} & {mask}) >> {b} if 0 < {b} < {n} else {slow}", False
        return slow, False
    if t == F64:
        if op in ("ADD", "SUB", "MUL"):
            return f"{a} {dict(ADD='+', SUB='-', MUL='*')[op]} {b}", False
        if op == "DIV":
            return f"{a} / {b} if {b} else {slow}", False
        return slow, False
    if t == F32 and op in ("ADD", "SUB", "MUL"):
        return f"_r32({a} {dict(ADD='+', SUB='-', MUL='*')[op]} {b})", False
    return slow, False


def unary_expr(op: str, t: Type, a: str) -> str:
    if t.is_int:
        if op == "NEG":
            return a if t.bits == 1 else f"-{a} if {a} != {t.min_signed} else {a}"
        if op == "NOT":
            return f"{a} ^ 1" if t.bits == 1 else f"~{a}"
    if t.is_float and op == "NEG":
        return f"-{a}"
    return f"_unary({op!r}, {type_name(t)}, {a})"


_ICMP_OPS = {"eq": "==", "ne": "!=", "sgt": ">", "sge": ">=", "slt": "<", "sle": "<=",
             "ugt": ">", "uge": ">=", "ult": "<", "ule": "<="}


def icmp_test(cond: str, t: Type, a: str, b: str) -> str:
    """A Python test (truthy or not) with the meaning of ICMP cond."""
    if cond not in _ICMP_OPS or t.bits == 1 or not (t.is_int or t.is_ptr):
        return f"_icmp({cond!r}, {type_name(t)}, {a}, {b})"
    op = _ICMP_OPS[cond]
    if cond[0] == "u" and t.is_int:  # ptr values are unsigned already
        mask = (1 << t.bits) - 1
        return f"({a} & {mask}) {op} ({b} & {mask})"
    return f"{a} {op} {b}"


def icmp_expr(cond: str, t: Type, a: str, b: str) -> str:
    test = icmp_test(cond, t, a, b)
    return test if test.startswith("_icmp(") else f"1 if {test} else 0"


_FCMP = {
    "oeq": "{a} == {b}", "one": "{a} < {b} or {a} > {b}", "ogt": "{a} > {b}", "oge": "{a} >= {b}",
    "olt": "{a} < {b}", "ole": "{a} <= {b}", "ord": "{a} == {a} and {b} == {b}",
    "uno": "{a} != {a} or {b} != {b}", "ueq": "not ({a} < {b} or {a} > {b})", "une": "{a} != {b}",
    "ugt": "not ({a} <= {b})", "uge": "not ({a} < {b})", "ult": "not ({a} >= {b})",
    "ule": "not ({a} > {b})",
}


def fcmp_test(cond: str, a: str, b: str) -> str:
    if cond not in _FCMP:
        return f"_fcmp({cond!r}, {a}, {b})"
    return _FCMP[cond].format(a=a, b=b)


def fcmp_expr(cond: str, a: str, b: str) -> str:
    test = fcmp_test(cond, a, b)
    return test if test.startswith("_fcmp(") else f"1 if {test} else 0"


def cast_expr(op: str, src: Type, dst: Type, a: str) -> str:
    slow = f"_cast({op!r}, {type_name(src)}, {type_name(dst)}, {a})"
    if op in ("ZEXT", "SEXT") and src.is_int and dst.is_int and dst.bits > src.bits:
        if src.bits == 1:
            return a if op == "ZEXT" else f"-{a}"
        return f"{a} & {(1 << src.bits) - 1}" if op == "ZEXT" else a
    if op == "TRUNC" and src.is_int and dst.is_int and dst.bits < src.bits:
        if dst.bits == 1:
            return f"{a} & 1"
        half, mask = 1 << (dst.bits - 1), (1 << dst.bits) - 1
        return f"(({a} + {half}) & {mask}) - {half}"
    if op == "FPEXT" and src == F32 and dst == F64:
        return a
    if op == "FPTRUNC" and src == F64 and dst == F32:
        return f"_r32({a})"
    if op == "SITOFP" and src.is_int and src.bits > 1 and dst == F64:
        return f"float({a})"
    if op == "INT2PTR" and src.is_int and dst.is_ptr:
        return a if src.bits == 1 else f"{a} & {(1 << src.bits) - 1}"
    if op == "PTR2INT" and src.is_ptr and dst.is_int:
        if dst.bits == 1:
            return f"{a} & 1"
        half, mask = 1 << (dst.bits - 1), (1 << dst.bits) - 1
        if dst.bits == 64:  # pointers are below 2**64 already
            return f"{a} if {a} < {half} else {a} - {mask + 1}"
        return f"(({a} + {half}) & {mask}) - {half}"
    return slow


_OVERFLOW_OPS = {"sadd_overflow": "+", "ssub_overflow": "-", "smul_overflow": "*"}


def overflow_expr(name: str, t: Type, a: str, b: str) -> str:
    """sadd/ssub/smul_overflow: 1 when the exact result leaves t's range (semantics._checked)."""
    if name not in _OVERFLOW_OPS or not t.is_int:
        return f"_I_{name}({type_name(t)}, {a}, {b})"
    return f"0 if {t.min_signed} <= {a} {_OVERFLOW_OPS[name]} {b} <= {t.max_signed} else 1"


def value_type(v) -> Type:
    return PTR if isinstance(v, Sym) else v.type


# ---- the compiler --------------------------------------------------------------------------------

# Inlining a block into its only predecessor's segment saves a trip through the driver per jump; it
# stops at these sizes (nesting of inlined true branches, blocks inlined one into the next, which
# the compiler recurses on, and instructions in one segment function).
MAX_INLINE_NESTING = 24
MAX_INLINE_CHAIN = 64
MAX_SEGMENT_INSTRS = 800


class _Segment:
    __slots__ = ("id", "block", "start", "end")

    def __init__(self, id_, block, start, end):
        self.id, self.block, self.start, self.end = id_, block, start, end


class FunctionCompiler:
    """Compiles one function: `layout()` cuts segments and assigns slots; `compile()` also writes and
    compiles the Python source.

    A segment whose block has a single predecessor ending in JUMP or JUMP_IF is not a function of its
    own: the predecessor's code continues into it (a true branch nested under its `if`, the false
    branch falling through), so straight-line chains and diamonds of blocks run without returning to
    the driver. Each cycle of the CFG has a block with two predecessors, so every loop iteration
    still passes the driver (budget, thread switches)."""

    def __init__(self, machine: "Interpreter", code: FunctionCode):
        self.machine, self.code, self.fn = machine, code, code.fn
        self.ns: dict[str, object] = {}
        self.lines: list[str] = []
        self.line_where: list[tuple[str, int | None]] = []
        self.cur: tuple[str, int | None] = ("", None)
        self.depth = 0
        self._names = 0

    # -- helpers --
    def add_const(self, prefix: str, value) -> str:
        self._names += 1
        name = f"_{prefix}{self._names}"
        self.ns[name] = value
        return name

    def out(self, text: str, extra: int = 0) -> None:
        self.lines.append("    " * (self.depth + extra) + text)
        self.line_where.append(self.cur)

    def trap(self, message: str) -> None:
        self.out(f"raise _Trap({message!r})")

    def is_frame_call(self, ins: Instr) -> bool:
        if ins.op != "CALL" or not ins.operands:
            return False
        callee = ins.operands[0]
        if isinstance(callee, Sym):
            if self.machine.function_code(callee.name) is not None:
                return True
            entry = self.machine.extern_entry(callee.name)  # a hook that may suspend its thread
            return entry is not None and entry.suspends
        return True

    # -- structure --
    def segment(self) -> None:
        self.segments: list[_Segment] = []
        self.block_seg: dict[str, int] = {}
        self.seg_of: dict[int, int] = {}  # id(instr) -> segment
        for b in self.fn.blocks:
            self.block_seg.setdefault(b.label, len(self.segments))
            start = 0
            for i, ins in enumerate(b.instrs):
                self.seg_of[id(ins)] = len(self.segments)
                if self.is_frame_call(ins):
                    self.segments.append(_Segment(len(self.segments), b, start, i + 1))
                    start = i + 1
            self.segments.append(_Segment(len(self.segments), b, start, len(b.instrs)))
        self.last_seg = {}
        for s in self.segments:
            self.last_seg[s.block.label] = s.id

    def classify(self) -> None:
        """Give a slot in `r` to every register that needs one; the rest stay Python locals."""
        fn = self.fn
        def_seg: dict[int, int] = {}
        needs_slot: set[int] = set()
        regs: dict[int, Reg] = {}
        for p in fn.params:
            needs_slot.add(id(p))
            regs[id(p)] = p
        for b in fn.blocks:
            for ins in b.instrs:
                if ins.dest is not None:
                    regs[id(ins.dest)] = ins.dest
                    def_seg[id(ins.dest)] = self.seg_of[id(ins)]
                    if ins.op == "PHI" or self.is_frame_call(ins):
                        needs_slot.add(id(ins.dest))
        self.uses: dict[int, int] = {}
        for b in fn.blocks:
            for ins in b.instrs:
                for reg in ins.regs_used():
                    self.uses[id(reg)] = self.uses.get(id(reg), 0) + 1
                if ins.op == "PHI":
                    for value, lab in ins.phi_incoming():
                        if isinstance(value, Reg):
                            regs.setdefault(id(value), value)
                            use = self.last_seg.get(getattr(lab, "name", None))
                            if def_seg.get(id(value)) != use:
                                needs_slot.add(id(value))
                    continue
                seg = self.seg_of[id(ins)]
                for reg in ins.regs_used():
                    regs.setdefault(id(reg), reg)
                    if def_seg.get(id(reg)) != seg:
                        needs_slot.add(id(reg))
        self.slot: dict[int, int] = {}
        for p in fn.params:
            self.slot[id(p)] = len(self.slot) + FIRST_SLOT
        for rid in regs:
            if rid in needs_slot and rid not in self.slot:
                self.slot[rid] = len(self.slot) + FIRST_SLOT
        self.pyname = {rid: f"x{n}" for n, rid in enumerate(regs)}

    def plan_inlining(self) -> None:
        """Blocks whose first segment is written into their only predecessor's code."""
        self.inlinable: set[str] = set()
        labels = [b.label for b in self.fn.blocks]
        if len(set(labels)) != len(labels):
            return
        blocks = {b.label: b for b in self.fn.blocks}
        for label, ps in predecessors(self.fn).items():
            if label == labels[0] or len(ps) != 1 or ps[0] == label:
                continue
            term = blocks[ps[0]].instrs[-1] if blocks[ps[0]].instrs else None
            if term is not None and term.op in ("JUMP", "JUMP_IF"):
                self.inlinable.add(label)

    # -- values --
    def val(self, v) -> str:
        if isinstance(v, Reg):
            rid = id(v)
            if rid in self.defined:
                return self.pyname[rid]
            slot = self.slot.get(rid)
            if slot is None:  # used before (or without) its definition: unverified KIR
                return f"_undefined({str(v)!r})"
            return f"r[{slot}]"
        if isinstance(v, Const):
            return self.const(v.type, v.value)
        if isinstance(v, Sym):
            addr = self.machine.symbol_address(v.name)
            return f"_nosym({v.name!r})" if addr is None else str(addr)
        raise Trap(f"not a value: {v!r}")

    def const(self, t: Type, value) -> str:
        if t.is_float:
            x = as_float(t, float(value))
            if math.isfinite(x) and math.copysign(1.0, x) > 0:
                return repr(x)
            return self.add_const("f", x)
        if t.is_ptr:
            return str(int(value) & MASK64)
        return _int_lit(t.wrap(int(value)))

    def known(self, v):
        """The value of v when it is known while compiling (a constant or a symbol), else None."""
        if isinstance(v, Const):
            return int(v.value) & MASK64 if v.type.is_ptr else None
        if isinstance(v, Sym):
            return self.machine.symbol_address(v.name)
        return None

    def define(self, ins: Instr, expr: str, fix=None) -> None:
        """dest = expr (then the fix-up statement for wrapping), also into r when it has a slot."""
        rid = id(ins.dest)
        name = self.pyname[rid]
        slot = self.slot.get(rid)
        if fix is None and slot is not None:
            self.out(f"{name} = r[{slot}] = {expr}")
        else:
            self.out(f"{name} = {expr}")
            if fix is not None:
                self.out(fix(name))
            if slot is not None:
                self.out(f"r[{slot}] = {name}")
        self.defined.add(rid)

    def simple(self, expr: str) -> str:
        """A name for expr's value, binding it to a temporary when it is not a plain name already."""
        if expr.isidentifier():
            return expr
        self._names += 1
        tmp = f"t{self._names}"
        self.out(f"{tmp} = {expr}")
        return tmp

    def checked_address(self, v, align: int, what: str) -> str:
        """The address in v, trapping (at run time) unless it is in user memory and aligned.

        No check is emitted for an address known while compiling, for an ALLOCA's result (ours, and
        aligned as it asked), nor for a register checked already on this path (SSA: it cannot have
        changed)."""
        addr = self.known(v)
        if addr is not None:
            if not (MIN_ADDRESS <= addr < FAKE_BASE) or addr & (align - 1):
                self.out(f"_bad({addr}, {align}, {what!r})")
            return str(addr)
        a = self.simple(self.val(v))
        if isinstance(v, Reg) and max(self.alloca_align.get(id(v), 0), self.checked.get(id(v), 0)) >= align:
            return a
        cond = f"not {MIN_ADDRESS} <= {a} < {FAKE_BASE}"
        if align > 1:
            cond = f"{a} & {align - 1} or " + cond
        self.out(f"if {cond}: _bad({a}, {align}, {what!r})")
        if isinstance(v, Reg):
            self.checked[id(v)] = max(align, self.checked.get(id(v), 0))
        return a

    def cell(self, t: Type, a: str, align: int) -> str:
        """An lvalue/rvalue for the t at checked address a: a typed address-space view when the
        address is aligned to the type's size, else a ctypes cell."""
        if align >= t.size:
            shift = t.size.bit_length() - 1
            return f"_V_{t.name}[{a} >> {shift}]" if shift else f"_V_{t.name}[{a}]"
        return f"_M_{t.name}({a}).value"

    # -- the whole function --
    def layout(self) -> int:
        """Cut segments and give slots; returns how many registers have a slot."""
        self.segment()
        self.classify()
        self.code.nslots = len(self.slot)
        return self.code.nslots

    def compile(self) -> None:
        code, fn = self.code, self.fn
        self.layout()
        self.plan_inlining()
        self.alloca_align: dict[int, int] = {}
        for b in fn.blocks:
            for ins in b.instrs:
                if ins.op == "ALLOCA" and ins.dest is not None and len(ins.operands) == 2:
                    self.alloca_align[id(ins.dest)] = ins.operands[1]
        self.inlined: set[str] = set()  # blocks written into a predecessor's code somewhere
        self.needed: list[str] = []  # inlinable blocks some jump enters as a segment after all
        self.cost: dict[int, int] = {}
        ids: set[int] = set()

        def emit(seg: _Segment) -> None:
            if seg.id not in ids:
                ids.add(seg.id)
                self.emit_segment(seg)

        deferred = [s for s in self.segments if s.start == 0 and s.block.label in self.inlinable]
        for seg in self.segments:
            if not (seg.start == 0 and seg.block.label in self.inlinable):
                emit(seg)
        while True:
            while self.needed:  # jumps that could not inline their target (size limits)
                emit(self.segments[self.block_seg[self.needed.pop()]])
            # blocks no emitted code reaches (unreachable ones, e.g. a cycle of single predecessors)
            rest = next((s for s in deferred if s.id not in ids and s.block.label not in self.inlined), None)
            if rest is None:
                break
            emit(rest)
        source = "\n".join(self.lines) + "\n"
        ns = dict(self.machine.namespace)
        ns.update(self.ns)
        exec(compile(source, code.filename, "exec"), ns)
        code.source = source
        code.line_where = self.line_where
        code.segs = [ns[f"s{s.id}"] if s.id in ids else ns["_inlined_only"] for s in self.segments]
        code.costs = [self.cost.get(s.id, 1) for s in self.segments]
        code.seg_where = [(s.block.label, s.start if s.start < len(s.block.instrs) else None)
                          for s in self.segments]
        code.pad = [None] * (len(self.slot) - len(fn.params))

    def emit_segment(self, seg: _Segment) -> None:
        """The Python function `s<id>(r)` for seg, with the blocks it inlines."""
        self.defined: set[int] = set()
        self.checked: dict[int, int] = {}
        self.fused: dict[int, str] = {}
        self.on_path = {seg.block.label}
        self.instrs = 0
        self.depth = 0
        self.cur = (seg.block.label, seg.start if seg.start < len(seg.block.instrs) else None)
        self.out(f"def s{seg.id}(r):")
        self.depth = 1
        self.body(seg)
        self.cost[seg.id] = max(1, self.instrs)

    def body(self, seg: _Segment) -> None:
        for i in range(seg.start, seg.end):
            self.cur = (seg.block.label, i)
            self.instr(seg.block.instrs[i], seg)
        self.instrs += seg.end - seg.start
        last = seg.block.instrs[seg.end - 1] if seg.end > seg.start else None
        info = OPCODES.get(last.op) if last is not None else None
        if info is None or not (info.terminator or self.is_frame_call(last)):
            self.cur = (seg.block.label, seg.end - 1 if seg.end > 0 else None)
            self.trap("fell off the end of a block without a terminator")

    def inline(self, label: str) -> None:
        """Continue into block `label` (its first segment) here, then forget what its path defined."""
        saved = (set(self.defined), dict(self.checked), dict(self.fused), self.cur)
        self.on_path.add(label)
        self.inlined.add(label)
        self.body(self.segments[self.block_seg[label]])
        self.on_path.discard(label)
        self.defined, self.checked, self.fused, self.cur = saved

    # -- instructions --
    def instr(self, ins: Instr, seg: _Segment):
        info = OPCODES.get(ins.op)
        if info is None:
            self.trap(f"unknown opcode {ins.op}")
            return None
        handler = getattr(self, "i_" + info.group, None)
        if handler is None:
            raise NotImplementedError(f"the KIR interpreter does not handle the {info.group!r} group ({ins.op})")
        return handler(ins, seg)

    def i_binary(self, ins, seg):
        a, b = (self.val(v) for v in ins.values())
        t = ins.dest.type
        expr, wraps = binary_expr(ins.op, t, a, b)
        self.define(ins, expr, (lambda n: wrap_fix(n, t)) if wraps else None)

    def i_unary(self, ins, seg):
        self.define(ins, unary_expr(ins.op, ins.dest.type, self.val(ins.operands[0])))

    def fusable(self, ins, seg) -> bool:
        """Is this compare's result only the condition of its segment's JUMP_IF? Then the test is
        written in the `if` itself. (Its operands cannot change in between: SSA, and no call.)"""
        dest = ins.dest
        if dest is None or id(dest) in self.slot or self.uses.get(id(dest)) != 1:
            return False
        last = seg.block.instrs[seg.end - 1] if seg.end > seg.start else None
        return (last is not None and last.op == "JUMP_IF" and last.operands
                and last.operands[0] is dest)

    def i_icmp(self, ins, seg):
        cond, x, y = ins.operands
        if self.fusable(ins, seg):
            self.fused[id(ins.dest)] = icmp_test(cond, value_type(x), self.val(x), self.val(y))
            return
        self.define(ins, icmp_expr(cond, value_type(x), self.val(x), self.val(y)))

    def i_fcmp(self, ins, seg):
        cond, x, y = ins.operands
        if self.fusable(ins, seg):
            self.fused[id(ins.dest)] = fcmp_test(cond, self.val(x), self.val(y))
            return
        self.define(ins, fcmp_expr(cond, self.val(x), self.val(y)))

    def i_select(self, ins, seg):
        c, x, y = (self.val(v) for v in ins.operands)
        self.define(ins, f"{x} if {c} else {y}")

    def i_copy(self, ins, seg):
        self.define(ins, self.val(ins.operands[0]))

    def i_cast(self, ins, seg):
        v = ins.operands[0]
        self.define(ins, cast_expr(ins.op, value_type(v), ins.dest.type, self.val(v)))

    def i_intrinsic(self, ins, seg):
        name, *args = ins.operands
        info = INTRINSICS.get(name)
        vals = [self.val(v) for v in args]
        if info is None or name not in INTRINSIC_EVAL:
            self.trap(f"unknown intrinsic {name}")
            return
        fn = f"_I_{name}"
        self.ns[fn] = INTRINSIC_EVAL[name]
        t = value_type(args[0]) if args else VOID
        if info.shape == "ii->i1" and len(vals) == 2:
            self.define(ins, overflow_expr(name, t, *vals))
        elif t == F32:
            self.define(ins, f"_r32({fn}({', '.join(vals)}))")
        else:
            self.define(ins, f"{fn}({', '.join(vals)})")

    def i_memory(self, ins, seg):
        op = ins.op
        if op == "ALLOCA":
            size, align = ins.operands
            try:
                arr = buffer_type(size, align)
            except (OverflowError, ValueError, MemoryError):
                self.trap(f"ALLOCA of {size} bytes is too large")
                return
            self.define(ins, f"_alloca(r, {self.add_const('A', arr)}, {align}, {size})")
        elif op == "LOAD":
            ptr, align = ins.operands
            t = ins.dest.type
            a = self.checked_address(ptr, align, f"load of {t}")
            cell = self.cell(t, a, align)
            self.define(ins, f"{cell} & 1" if t == I1 else cell)
        elif op == "STORE":
            value, ptr, align = ins.operands
            t = value_type(value)
            v = self.val(value)
            a = self.checked_address(ptr, align, f"store of {t}")
            self.out(f"{self.cell(t, a, align)} = {v}")
        elif op == "GEP":
            base, index, scale, offset = ins.operands
            expr = self.val(base)
            if isinstance(index, Const) and index.type.is_int:
                offset += index.type.wrap(int(index.value)) * scale
                scale = 0
            if scale:
                expr += f" + {self.val(index)}" + (f" * {_int_lit(scale)}" if scale != 1 else "")
            if offset:
                expr += f" + {_int_lit(offset)}"
            self.define(ins, f"({expr}) & {MASK64}")
        elif op == "MEMSET":
            dst, value, size, align = ins.operands
            self.out(f"_memset({self.val(dst)}, {self.val(value)}, {self.val(size)}, {align})")
        elif op == "MEMCPY":
            dst, src, size, align = ins.operands
            self.out(f"_memcpy({self.val(dst)}, {self.val(src)}, {self.val(size)}, {align})")
        else:
            raise NotImplementedError(f"memory opcode {op}")

    def i_atomic(self, ins, seg):
        op = ins.op
        if op == "ATOMIC_LOAD":
            ptr = ins.operands[0]
            t = ins.dest.type
            a = self.checked_address(ptr, t.size, f"atomic load of {t}")
            cell = self.cell(t, a, t.size)
            self.define(ins, f"{cell} & 1" if t == I1 else cell)
        elif op == "ATOMIC_STORE":
            value, ptr = ins.operands[:2]
            t = value_type(value)
            v = self.val(value)
            a = self.checked_address(ptr, t.size, f"atomic store of {t}")
            self.out(f"{self.cell(t, a, t.size)} = {v}")
        elif op == "ATOMIC_RMW":
            rmw, ptr, value = ins.operands[:3]
            t = value_type(value)
            self.define(ins, f"_rmw({rmw!r}, {type_name(t)}, {self.val(ptr)}, {self.val(value)})")
        elif op == "ATOMIC_CMP_XCHG":
            ptr, expected, new = ins.operands[:3]
            t = value_type(expected)
            self.define(ins, f"_cmpxchg({type_name(t)}, {self.val(ptr)}, {self.val(expected)}, "
                             f"{self.val(new)})")
        elif op == "FENCE":
            pass  # one interpreted instruction at a time: every order is kept already
        else:
            raise NotImplementedError(f"atomic opcode {op}")

    def i_phi(self, ins, seg):
        pass  # copied on the incoming edges (see edge())

    def i_call(self, ins, seg):
        callee, *args = ins.operands
        vals = [self.val(v) for v in args]
        dest = ins.dest
        if isinstance(callee, Sym):
            target = self.machine.function_code(callee.name)
            if target is not None:
                if len(vals) != len(target.params):
                    self.trap(f"call of ${target.name} with {len(vals)} arguments; it takes "
                              f"{len(target.params)}")
                    return
                site = self._site(DIRECT, ins, seg, target=target)
                pad = self.machine.layout(target) - len(target.params)
                frame = ["None", self.add_const("F", target), self.add_const("C", site), *vals]
                if pad <= 16:
                    self.out(f"return [{', '.join(frame + ['None'] * pad)}]")
                else:
                    self.out(f"return [{', '.join(frame)}] + {self.add_const('P', [None] * pad)}")
                return
            entry = self.machine.extern_entry(callee.name)
            if entry is None:
                what = "data" if self.machine.symbol_address(callee.name) is not None else "unknown symbol"
                self.trap(f"call of {what} ${callee.name}")
                return
            if entry.suspends:  # ends the segment, like an indirect call, so the thread can stop here
                site = self._site(INDIRECT, ins, seg)
                self.out(f"return ({self.add_const('C', site)}, [{', '.join(vals)}], {entry.address})")
                return
            call = f"{self.add_const('X', entry.call)}({', '.join(vals)})"
            if dest is None:
                self.out(call)
            else:
                self.define(ins, call)
            return
        site = self._site(INDIRECT, ins, seg)
        self.out(f"return ({self.add_const('C', site)}, [{', '.join(vals)}], {self.val(callee)})")

    def _site(self, kind, ins, seg, target=None) -> CallSite:
        dest = ins.dest
        sig = (tuple(value_type(v) for v in ins.operands[1:]), dest.type if dest is not None else VOID)
        return CallSite(kind, target=target, dest=self.slot[id(dest)] if dest is not None else 0,
                        cont=seg.id + 1, sig=sig, code=self.code, block=seg.block.label,
                        index=self.cur[1])

    # -- control flow --
    def edge(self, source: Block, label, may_inline: bool = True) -> None:
        """Jump along source -> label: the target's PHIs as one parallel copy, then its code (inlined)
        or its segment (returned to the driver)."""
        name = label.name if isinstance(label, Label) else str(label)
        pc = self.block_seg.get(name)
        if pc is None:
            self.trap(f"jump to unknown block @{name}")
            return
        targets, values = [], []
        for phi in self.fn.blocks[self._block_index(name)].phis():
            value = next((v for v, lab in phi.phi_incoming() if lab.name == source.label), None)
            if value is None:
                self.trap(f"PHI {phi.dest} in @{name} has no value for @{source.label}")
                return
            targets.append(f"r[{self.slot[id(phi.dest)]}]")
            values.append(self.val(value))
        if targets:
            self.out(f"{', '.join(targets)} = {', '.join(values)}")
        if name in self.inlinable:
            if (may_inline and name not in self.on_path and self.depth <= MAX_INLINE_NESTING
                    and len(self.on_path) < MAX_INLINE_CHAIN and self.instrs < MAX_SEGMENT_INSTRS):
                self.inline(name)
                return
            self.needed.append(name)
        self.out(f"return {pc}")

    def _block_index(self, label: str) -> int:
        if not hasattr(self, "_bindex"):
            self._bindex = {}
            for i, b in enumerate(self.fn.blocks):
                self._bindex.setdefault(b.label, i)
        return self._bindex[label]

    def i_terminator(self, ins, seg):
        op, b = ins.op, seg.block
        if op == "JUMP":
            self.edge(b, ins.operands[0])
        elif op == "JUMP_IF":
            cond, then, other = ins.operands
            if isinstance(cond, Const):
                self.edge(b, then if cond.value else other)
            else:
                test = self.fused.get(id(cond)) if isinstance(cond, Reg) else None
                self.out(f"if {test or self.val(cond)}:")
                self.depth += 1
                self.edge(b, then)
                self.depth -= 1
                self.edge(b, other)
        elif op == "SWITCH":
            self._switch(ins, b)
        elif op == "RET":
            value = self.val(ins.operands[0]) if ins.operands else "None"
            self.out(f"return (_RET, {value})")
        elif op == "UNREACHABLE":
            self.trap("reached UNREACHABLE")
        else:
            raise NotImplementedError(f"terminator {op}")

    def _switch(self, ins, b) -> None:
        value, default = ins.operands[0], ins.operands[1]
        t = value_type(value)
        cases = []
        for case, lab in ins.switch_cases():
            key = t.wrap(int(case)) if t.is_int else case
            if all(key != k for k, _ in cases):  # the first of two equal cases wins
                cases.append((key, lab))
        labels = [default] + [lab for _, lab in cases]
        known = all(l.name in self.block_seg for l in labels)
        has_phis = known and any(self.fn.blocks[self._block_index(l.name)].phis() for l in labels)
        v = self.simple(self.val(value))
        if known and not has_phis and not any(l.name in self.inlinable for l in labels):
            table = self.add_const("W", {k: self.block_seg[l.name] for k, l in cases})
            self.out(f"return {table}.get({v}, {self.block_seg[default.name]})")
            return
        edges: list[str] = [default.name]
        keys = {}
        for k, lab in cases:
            if lab.name not in edges:
                edges.append(lab.name)
            keys[k] = edges.index(lab.name)
        table = self.add_const("W", keys)
        e = self.simple(f"{table}.get({v}, 0)")
        for n, name in enumerate(edges[1:], 1):
            self.out(f"if {e} == {n}:")
            self.depth += 1
            self.edge(b, Label(name), may_inline=False)
            self.depth -= 1
        self.edge(b, Label(edges[0]), may_inline=False)


def base_namespace(machine) -> dict[str, object]:
    """What generated code sees besides its own constants: types, cells, semantics, traps."""
    ns: dict[str, object] = {
        "__builtins__": {"float": float, "None": None},
        "_binary": semantics.binary, "_unary": semantics.unary, "_icmp": semantics.icmp,
        "_fcmp": semantics.fcmp, "_cast": semantics.cast, "_r32": semantics.round_f32,
        "_Trap": Trap, "_RET": RET,
    }
    for t in TYPES.values():
        ns[type_name(t)] = t
    for t, ct in MEMORY_CTYPE.items():
        ns[f"_M_{t.name}"] = ct.from_address
    for t, view in address_space_views().items():
        ns[f"_V_{t.name}"] = view

    def _undefined(name):
        raise Trap(f"register {name} is read before any definition")

    def _inlined_only(r):
        raise Trap("internal error: entered a block the interpreter only inlined")

    def _nosym(name):
        raise Trap(f"use of unknown symbol ${name}")

    ns["_undefined"], ns["_nosym"], ns["_inlined_only"] = _undefined, _nosym, _inlined_only
    return ns
