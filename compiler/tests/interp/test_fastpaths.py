"""The interpreter writes common arithmetic inline instead of calling pyvm.kir.semantics; every inline
form must agree with semantics exactly (same value, same trap), for all inputs. Checked here on
hypothesis-drawn and edge-case operands, evaluating the very expressions codegen emits."""

from __future__ import annotations

import math

from hypothesis import example, given, settings
from hypothesis import strategies as st

from pyvm.interp import codegen
from pyvm.interp.codegen import (binary_expr, cast_expr, fcmp_expr, icmp_expr, overflow_expr, unary_expr,
                                 wrap_fix)
from pyvm.kir import semantics
from pyvm.kir.opcodes import FCMP_CONDS, ICMP_CONDS
from pyvm.kir.semantics import INTRINSIC_EVAL, Trap
from pyvm.kir.types import F32, F64, INT_TYPES, PTR, TYPES

NS = codegen.base_namespace(None)
INT_OPS = ["ADD", "SUB", "MUL", "DIV", "REM", "UDIV", "UREM", "AND", "OR", "XOR", "SHL", "SHR", "LSHR"]
FLOAT_OPS = ["ADD", "SUB", "MUL", "DIV", "REM"]


_COMPILED: dict[str, object] = {}


def run_expr(expr: str, fix: str | None, **values):
    ns = dict(NS)
    ns.update(values)
    text = f"x = {expr}\n" + (f"{fix}\n" if fix else "")
    code = _COMPILED.get(text)
    if code is None:
        code = _COMPILED[text] = compile(text, "<fast path>", "exec")
    try:
        exec(code, ns)
    except Trap as exc:
        return ("trap", str(exc))
    return ns["x"]


def reference(fn, *args):
    try:
        return fn(*args)
    except Trap as exc:
        return ("trap", str(exc))


def same(x, y) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        if math.isnan(x) or math.isnan(y):
            return math.isnan(x) and math.isnan(y)
        return x == y and math.copysign(1.0, x) == math.copysign(1.0, y)
    return x == y and type(x) is type(y)


def int_of(t):
    return st.integers(t.min_signed, t.max_signed) | st.sampled_from(
        sorted({t.min_signed, t.max_signed, 0, 1, t.wrap(-1), t.wrap(t.bits), t.wrap(t.bits - 1), t.wrap(2)}))


int_type = st.sampled_from(INT_TYPES)
floats = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, math.inf, -math.inf,
                                                                              math.nan, 5e-324, 1e308])


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_int_binary_fast_paths(data):
    t = data.draw(int_type)
    op = data.draw(st.sampled_from(INT_OPS))
    a, b = data.draw(int_of(t)), data.draw(int_of(t))
    expr, wraps = binary_expr(op, t, "a", "b")
    got = run_expr(expr, wrap_fix("x", t) if wraps else None, a=a, b=b)
    want = reference(semantics.binary, op, t, a, b)
    assert (got == want) if isinstance(want, tuple) else same(got, want), (op, t, a, b, got, want)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_float_binary_fast_paths(data):
    t = data.draw(st.sampled_from([F32, F64]))
    op = data.draw(st.sampled_from(FLOAT_OPS))
    a, b = (semantics.as_float(t, data.draw(floats)) for _ in range(2))
    expr, wraps = binary_expr(op, t, "a", "b")
    assert not wraps
    assert same(run_expr(expr, None, a=a, b=b), semantics.binary(op, t, a, b)), (op, t, a, b)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_unary_fast_paths(data):
    t = data.draw(st.sampled_from([*INT_TYPES, F32, F64]))
    op = data.draw(st.sampled_from(["NEG", "NOT"] if t.is_int else ["NEG"]))
    a = data.draw(int_of(t)) if t.is_int else semantics.as_float(t, data.draw(floats))
    assert same(run_expr(unary_expr(op, t, "a"), None, a=a), semantics.unary(op, t, a)), (op, t, a)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_icmp_fast_paths(data):
    t = data.draw(st.sampled_from([*INT_TYPES, PTR]))
    cond = data.draw(st.sampled_from(ICMP_CONDS))
    if t.is_ptr:
        a, b = (data.draw(st.integers(0, (1 << 64) - 1) | st.sampled_from([0, 4096, (1 << 63)]))
                for _ in range(2))
    else:
        a, b = data.draw(int_of(t)), data.draw(int_of(t))
    assert run_expr(icmp_expr(cond, t, "a", "b"), None, a=a, b=b) == semantics.icmp(cond, t, a, b)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FCMP_CONDS), floats, floats)
@example("one", math.nan, 1.0)
@example("ueq", math.nan, math.nan)
def test_fcmp_fast_paths(cond, a, b):
    assert run_expr(fcmp_expr(cond, "a", "b"), None, a=a, b=b) == semantics.fcmp(cond, a, b), (cond, a, b)


CASTS = [("ZEXT", s, d) for s in INT_TYPES for d in INT_TYPES if d.bits > s.bits] + \
        [("SEXT", s, d) for s in INT_TYPES for d in INT_TYPES if d.bits > s.bits] + \
        [("TRUNC", s, d) for s in INT_TYPES for d in INT_TYPES if d.bits < s.bits] + \
        [("FPEXT", F32, F64), ("FPTRUNC", F64, F32)] + \
        [(op, s, d) for op in ("SITOFP", "UITOFP") for s in INT_TYPES for d in (F32, F64)] + \
        [(op, s, d) for op in ("FPTOSI", "FPTOUI") for s in (F32, F64) for d in INT_TYPES] + \
        [("INT2PTR", s, PTR) for s in INT_TYPES] + [("PTR2INT", PTR, d) for d in INT_TYPES] + \
        [("BITCAST", TYPES["i64"], F64), ("BITCAST", F64, TYPES["i64"]), ("BITCAST", TYPES["i32"], F32),
         ("BITCAST", F32, TYPES["i32"])]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_cast_fast_paths(data):
    op, src, dst = data.draw(st.sampled_from(CASTS))
    if src.is_int:
        a = data.draw(int_of(src))
    elif src.is_ptr:
        a = data.draw(st.integers(0, (1 << 64) - 1))
    else:
        a = semantics.as_float(src, data.draw(floats | st.floats(-1e20, 1e20)))
    got = run_expr(cast_expr(op, src, dst, "a"), None, a=a)
    want = reference(semantics.cast, op, src, dst, a)
    assert (got == want) if isinstance(want, tuple) else same(got, want), (op, src, dst, a, got, want)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_overflow_intrinsic_fast_paths(data):
    t = data.draw(int_type)
    name = data.draw(st.sampled_from(["sadd_overflow", "ssub_overflow", "smul_overflow"]))
    a, b = data.draw(int_of(t)), data.draw(int_of(t))
    assert run_expr(overflow_expr(name, t, "a", "b"), None, a=a, b=b) == INTRINSIC_EVAL[name](t, a, b)


def edges(t):
    if t.is_int:
        return sorted({t.min_signed, t.min_signed + 1, t.max_signed, t.max_signed - 1, 0, 1, t.wrap(-1),
                       t.wrap(2), t.wrap(-2), t.wrap(t.bits), t.wrap(t.bits - 1), t.wrap(t.bits + 1),
                       t.wrap(7), t.wrap(-7)})
    if t.is_ptr:
        return [0, 1, 4096, (1 << 63) - 1, 1 << 63, (1 << 64) - 1]
    return [semantics.as_float(t, x) for x in (0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 1e10, -1e10, 3e38, 1e308,
                                                 5e-324, math.inf, -math.inf, math.nan, 2.0**63, -(2.0**63),
                                                 2.0**31, 255.9, -128.5)]


def test_exhaustive_edges():
    """Every fast path on every pair of edge values of its types."""
    checked = 0
    for t in INT_TYPES:
        for op in INT_OPS:
            expr, wraps = binary_expr(op, t, "a", "b")
            for a in edges(t):
                for b in edges(t):
                    got = run_expr(expr, wrap_fix("x", t) if wraps else None, a=a, b=b)
                    want = reference(semantics.binary, op, t, a, b)
                    assert (got == want) if isinstance(want, tuple) else same(got, want), (op, t, a, b)
                    checked += 1
        for op in ("NEG", "NOT"):
            for a in edges(t):
                assert same(run_expr(unary_expr(op, t, "a"), None, a=a), semantics.unary(op, t, a))
    for t in (F32, F64):
        for op in FLOAT_OPS:
            expr, _ = binary_expr(op, t, "a", "b")
            for a in edges(t):
                for b in edges(t):
                    assert same(run_expr(expr, None, a=a, b=b), semantics.binary(op, t, a, b)), (op, t, a, b)
                    checked += 1
        for a in edges(t):
            assert same(run_expr(unary_expr("NEG", t, "a"), None, a=a), semantics.unary("NEG", t, a))
            for b in edges(t):
                for cond in FCMP_CONDS:
                    assert run_expr(fcmp_expr(cond, "a", "b"), None, a=a, b=b) == semantics.fcmp(cond, a, b)
    for t in (*INT_TYPES, PTR):
        for cond in ICMP_CONDS:
            expr = icmp_expr(cond, t, "a", "b")
            for a in edges(t):
                for b in edges(t):
                    assert run_expr(expr, None, a=a, b=b) == semantics.icmp(cond, t, a, b), (cond, t, a, b)
    for t in INT_TYPES:
        for name in ("sadd_overflow", "ssub_overflow", "smul_overflow"):
            expr = overflow_expr(name, t, "a", "b")
            for a in edges(t):
                for b in edges(t):
                    assert run_expr(expr, None, a=a, b=b) == INTRINSIC_EVAL[name](t, a, b), (name, t, a, b)
    for op, src, dst in CASTS:
        expr = cast_expr(op, src, dst, "a")
        for a in edges(src):
            got, want = run_expr(expr, None, a=a), reference(semantics.cast, op, src, dst, a)
            assert (got == want) if isinstance(want, tuple) else same(got, want), (op, src, dst, a)
    assert checked > 5000


def test_every_opcode_group_has_a_handler():
    from pyvm.interp.codegen import FunctionCompiler
    from pyvm.kir.opcodes import OPCODES
    missing = {op for op, info in OPCODES.items() if not hasattr(FunctionCompiler, "i_" + info.group)}
    assert not missing
