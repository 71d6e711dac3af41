"""Hypothesis strategies for KIR modules the optimiser must not change the meaning of.

    modules()        a GenCase: a verified module of 0-3 helper functions $h0.. and the entry $f, each
                     calling only earlier ones (no recursion); well-formed, terminating and UB-free by
                     construction (genexpr.py, genstmt.py say how)
    input_lists()    1-3 argument tuples for $f
    ENTRY_PARAMS     $f's fixed signature: (a: i64, b: i32, c: i8, d: i1, x: f64) -> i64

$f folds what it computed into its i64 result (floats through a clamped FPTOSI or a BITCAST of a
NaN-free value), including the final contents of its memory cells, so a miscompiled value almost
always changes the result; values left out of the fold are dead code for DCE.

Why generate by construction rather than filter: `assume` would throw most random programs away (a
random division traps often), and Hypothesis shrinks best when every choice sequence is valid. The
only discards left are the reference interpreter trapping or running out of steps on the unoptimised
module, which means a generator bug; props.py counts them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import hypothesis.strategies as st

from pyvm.kir import verify
from pyvm.kir.ir import Const, Data, Function, Module, Reg, Sym
from pyvm.kir.printer import print_module
from pyvm.kir.types import F64, I1, I8, I32, I64, PTR, Type

from fuzz.genexpr import VALUE_TYPES, ExprGen, Scope
from fuzz.genstmt import COST_LIMIT, FunctionGen, Signature

ENTRY = "f"
ENTRY_PARAMS: tuple[tuple[str, Type], ...] = (("a", I64), ("b", I32), ("c", I8), ("d", I1), ("x", F64))
MAX_HELPERS = 3
GLOBAL = "g"
CHOICE_BUDGET = 700  # choices for statements; the final fold and open regions add a few hundred more


@dataclass(frozen=True)
class GenCase:
    """A generated module, as KIR text (parse it for a fresh copy), with what it contains."""

    text: str
    features: frozenset[str]
    cost: int  # bound of instructions one call of $f executes

    def __repr__(self) -> str:  # Hypothesis prints failing examples with repr: show the KIR
        return f"GenCase(features={sorted(self.features)}, cost={self.cost}, text=\n{self.text})"


def _helper(draw, index: int, callees: list[Signature], features: set[str], budget: list[int],
            cell: Sym | None):
    gen0 = ExprGen(draw, None, Scope(), features, budget)  # only for its choices
    nparams = gen0.int(0, 3)
    params = []
    for i in range(nparams):
        t = PTR if gen0.rarely(5) else gen0.pick(VALUE_TYPES)
        params.append(Reg(f"p{i}", t))
    ret = gen0.pick(VALUE_TYPES)
    attrs = ()
    if gen0.rarely(6):
        attrs = (gen0.pick(("inline", "noinline")),)
    fn = Function(f"h{index}", params, ret, attrs=attrs)
    if any(p.type == PTR for p in params):
        features.add("ptr-param")
    g = FunctionGen(draw, fn, callees, features, budget, cell)
    if g.int(0, 3):
        g.region(5, 1)
    r = g.reg_or_value(ret)
    for _ in range(g.int(0, 2)):
        r = g.combine(r)
    g.emit("RET", [r])
    _maybe_dead_block(g, ret)
    return fn, Signature(fn.name, tuple(p.type for p in params), ret, g.cost)


def _maybe_dead_block(g: FunctionGen, ret: Type) -> None:
    """Sometimes an unreachable block (simplifycfg drops it; nothing may execute it)."""
    if g.rarely(6):
        g.features.add("dead-block")
        g.b.position_at_end(g.new_block("dead"))
        t = ret if ret != F64 else I64
        z = g.emit("ADD", [g.const(t), g.const(t)], t, "z")
        g.emit("RET", [z if ret != F64 else Const(F64, 0.0)])


def _entry(draw, callees: list[Signature], features: set[str], budget: list[int], cell: Sym | None):
    fn = Function(ENTRY, [Reg(n, t) for n, t in ENTRY_PARAMS], I64, attrs=("export",))
    g = FunctionGen(draw, fn, callees, features, budget, cell)
    if cell is not None:  # globals keep their value between calls: set it first
        g.emit("STORE", [g.value(I64), cell, 8])
    g.region(12, 0, more=6)
    # fold: every visible value (most of them), then every memory cell and one element per array
    acc = None
    observed = [v for v in g.scope.all_values() if g.int(0, 3)]
    for addr, t in g.scope.slots:
        observed.append(g.emit("LOAD", [addr, t.size], t, "fin"))
    for _ in g.scope.arrays:
        observed.append(g.array_load(I64))
    for v in observed:
        w = g.widen(v)
        if acc is None:
            acc = w
        else:
            acc = g.emit("MUL", [acc, Const(I64, 1000003)], I64, "h")
            acc = g.emit(g.pick(("XOR", "ADD")), [acc, w], I64, "h")
    g.emit("RET", [acc if acc is not None else Const(I64, 0)])
    _maybe_dead_block(g, I64)
    return fn, g.cost


@st.composite
def modules(draw, max_helpers: int = MAX_HELPERS) -> GenCase:
    """A verified KIR module with entry $f (see ENTRY_PARAMS)."""
    m = Module("fuzz")
    features: set[str] = set()
    budget = [CHOICE_BUDGET]
    probe = ExprGen(draw, None, Scope(), features, budget)  # only for its choices
    cell = None
    if probe.rarely(4):
        m.data.append(Data(GLOBAL, "zero", size=8, align=8))
        cell = Sym(GLOBAL)
        features.add("global")
    callees: list[Signature] = []
    for k in range(max_helpers):
        if probe.int(0, 2) == 0:
            break
        fn, sig = _helper(draw, k, callees, features, budget, cell)
        m.functions.append(fn)
        callees.append(sig)
    fn, cost = _entry(draw, callees, features, budget, cell)
    m.functions.append(fn)
    assert cost <= COST_LIMIT * 4, cost
    verify(m)  # a failure here is a generator bug: let it surface, never `assume` it away
    return GenCase(print_module(m), frozenset(features), cost)


# ---- inputs --------------------------------------------------------------------------------------

def _int_args(t: Type) -> st.SearchStrategy[int]:
    edges = sorted({t.wrap(v) for v in (0, 1, -1, 2, 7, 8, t.min_signed, t.max_signed, 255, 1 << 31)})
    return st.one_of(st.sampled_from(edges), st.integers(t.min_signed, t.max_signed))


_FLOAT_ARGS = st.one_of(
    st.sampled_from((0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.75, 7.0, 1e10, 1e300, math.inf, -math.inf, math.nan)),
    st.floats(allow_nan=True, allow_infinity=True))


def entry_inputs() -> st.SearchStrategy[tuple]:
    """One argument tuple for $f."""
    return st.tuples(*(_FLOAT_ARGS if t == F64 else _int_args(t) for _, t in ENTRY_PARAMS))


def input_lists(max_size: int = 3) -> st.SearchStrategy[list[tuple]]:
    return st.lists(entry_inputs(), min_size=1, max_size=max_size)


__all__ = ["ENTRY", "ENTRY_PARAMS", "GenCase", "modules", "entry_inputs", "input_lists"]
