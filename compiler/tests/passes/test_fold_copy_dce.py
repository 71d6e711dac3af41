"""constfold, copyprop and dce against the interpreter.

(a) Property tests (Hypothesis): for every opcode of the table's binary group on random i8/i32/i64
    (and f32/f64) constants, constfold either folds the one instruction to exactly what the
    interpreter computes on the unfolded function (with constant operands, and with the same values
    passed as parameters), or leaves it alone, which it must do whenever the interpreter traps.
    Identities (one register operand) keep the interpreter's result for random inputs and never
    remove a trap.
(b) Before/after runs of small programs through copyprop and dce (and the three together): same
    results on several inputs, traps kept.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pyvm import passes
from pyvm.interp import Interpreter, KirTrap
from pyvm.kir import Const, parse_module, print_module, verify
from pyvm.kir.opcodes import OPCODES
from pyvm.kir.types import F32, F64, I8, I32, I64, Type

BINARY_OPS = sorted(name for name, info in OPCODES.items() if info.group == "binary")
FLOAT_OPS = ("ADD", "SUB", "MUL", "DIV", "REM")  # the binary opcodes the verifier accepts on floats
INT_TYPES = (I8, I32, I64)


class _Trapped:
    def __repr__(self) -> str:
        return "TRAP"


TRAPPED = _Trapped()

ALL_SYNTAX = Path(__file__).resolve().parents[1] / "kir" / "all_syntax.kir"


def call(module, args=()):
    """The interpreter's result of $f, or TRAPPED."""
    try:
        return Interpreter(module).call("f", list(args))
    except KirTrap:
        return TRAPPED


def same(a, b) -> bool:
    """Equal results, floats bit for bit (so -0.0 != 0.0 and NaN signs count)."""
    if a is TRAPPED or b is TRAPPED:
        return a is b
    if isinstance(a, float) or isinstance(b, float):
        return struct.pack("<d", a) == struct.pack("<d", b)
    return a == b


def folded(text: str):
    module = parse_module(text)
    verify(module)
    passes.run("constfold", module)
    verify(module)
    return module


def entry(module):
    return module.function("f").entry.instrs


def const_text(t: Type, v) -> str:
    return str(Const(t, float(v) if t.is_float else int(v)))


# ---- strategies ----------------------------------------------------------------------------------

def int_value(t: Type):
    edges = [0, 1, -1, 2, t.bits - 1, t.bits, t.bits + 1, t.min_signed, t.max_signed, t.min_signed + 1]
    return st.one_of(st.sampled_from(edges), st.integers(t.min_signed, t.max_signed))


def float_value(t: Type):
    edges = [0.0, -0.0, 1.0, -1.0, 0.5, math.inf, -math.inf, math.nan, 1e300, -1e-300, 3.4e38, 2.0**63]
    return st.one_of(st.sampled_from(edges), st.floats(width=32 if t == F32 else 64))


@st.composite
def int_case(draw):
    t = draw(st.sampled_from(INT_TYPES))
    return draw(st.sampled_from(BINARY_OPS)), t, draw(int_value(t)), draw(int_value(t))


@st.composite
def float_case(draw):
    t = draw(st.sampled_from((F32, F64)))
    return draw(st.sampled_from(FLOAT_OPS)), t, draw(float_value(t)), draw(float_value(t))


def one_op_text(op: str, t: Type, a: str, b: str, params: str = "") -> str:
    return (f'module "t"\n\nfunc $f({params}) -> {t} {{\n@entry:\n'
            f"    %r: {t} = {op} {a}, {b}\n    RET %r\n}}\n")


def check_folding(op: str, t: Type, a, b) -> None:
    if t.is_float:  # constants have one NaN (the text `nan`); a drawn NaN may carry a payload
        a, b = (math.nan if math.isnan(v) else v for v in (a, b))
    text = one_op_text(op, t, const_text(t, a), const_text(t, b))
    expected = call(parse_module(text))
    # The same operation on parameters: the interpreter's general path, not its constant one.
    with_params = call(parse_module(one_op_text(op, t, "%a", "%b", f"%a: {t}, %b: {t}")),
                       [Const(t, a).value, Const(t, b).value])
    assert expected is TRAPPED and with_params is TRAPPED or same(expected, with_params)
    module = folded(text)
    instrs = entry(module)
    if expected is TRAPPED:
        assert [i.op for i in instrs] == [op, "RET"], f"{op} {t} {a}, {b} traps but was folded"
        return
    if len(instrs) == 2:  # left alone: only allowed when the constant could not be printed exactly
        assert t.is_float and math.isnan(expected), f"{op} {t} {a}, {b} was not folded"
        return
    assert [i.op for i in instrs] == ["RET"]
    result = instrs[0].operands[0]
    assert isinstance(result, Const) and result.type == t
    assert same(result.value, expected), f"{op} {t} {a}, {b}: folded {result.value}, interpreter {expected}"
    # What folding produced must also survive the text form (what the backends read).
    reparsed = parse_module(print_module(module))
    assert same(call(reparsed), expected)


# ---- (a) properties ------------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(int_case())
@example(("DIV", I64, I64.min_signed, -1))
@example(("REM", I8, -128, -1))
@example(("UDIV", I32, 5, 0))
@example(("SHL", I8, 1, 8))
@example(("LSHR", I64, -1, -1))
@example(("SHR", I32, -5, 31))
def test_constfold_binary_ints_match_interpreter(case):
    check_folding(*case)


@settings(max_examples=250, deadline=None)
@given(float_case())
@example(("SUB", F64, math.inf, math.inf))
@example(("DIV", F64, 0.0, 0.0))
@example(("MUL", F32, 3.4e38, 10.0))
@example(("REM", F64, -0.0, 1.0))
def test_constfold_binary_floats_match_interpreter(case):
    check_folding(*case)


@st.composite
def identity_case(draw):
    t = draw(st.sampled_from(INT_TYPES))
    op = draw(st.sampled_from(BINARY_OPS))
    c = draw(st.sampled_from([0, 1, -1, t.bits]))
    side = draw(st.sampled_from(["left", "right", "both"]))
    xs = draw(st.lists(int_value(t), min_size=1, max_size=4))
    return op, t, c, side, xs


@settings(max_examples=300, deadline=None)
@given(identity_case())
def test_constfold_identities_keep_results_and_traps(case):
    op, t, c, side, xs = case
    k = const_text(t, c)
    a, b = {"left": (k, "%x"), "right": ("%x", k), "both": ("%x", "%x")}[side]
    text = one_op_text(op, t, a, b, f"%x: {t}")
    module = folded(text)
    original = parse_module(text)
    for x in xs:
        before, after = call(original, [x]), call(module, [x])
        assert (before is TRAPPED) == (after is TRAPPED), f"{op} {a}, {b} at x={x}: trap changed"
        if before is not TRAPPED:
            assert same(before, after), f"{op} {a}, {b} at x={x}: {before} became {after}"


def int_edges(t: Type) -> list[int]:
    return sorted({t.wrap(v) for v in (0, 1, -1, 2, -2, 7, t.bits - 1, t.bits, t.min_signed, t.max_signed,
                                       t.min_signed + 1)})


def test_constfold_identities_on_edges():
    """Every binary opcode, width, identity-prone constant and side, at every edge input: the
    exhaustive counterpart of the random test above (INT_MIN % -1 must not become 0, ...)."""
    problems = []
    for op in BINARY_OPS:
        for t in INT_TYPES:
            for c in (0, 1, -1, 2, t.bits - 1, t.bits, t.min_signed):
                for a, b in ((const_text(t, c), "%x"), ("%x", const_text(t, c)), ("%x", "%x")):
                    text = one_op_text(op, t, a, b, f"%x: {t}")
                    original, module = Interpreter(parse_module(text)), Interpreter(folded(text))
                    for x in int_edges(t):
                        before, after = call_in(original, [x]), call_in(module, [x])
                        if (before is TRAPPED) != (after is TRAPPED) or not same(before, after):
                            problems.append(f"{op} {a}, {b} at x={x}: {before} -> {after}")
    assert not problems, "\n".join(problems[:20])


def call_in(interp: Interpreter, args):
    try:
        return interp.call("f", list(args))
    except KirTrap:
        return TRAPPED


def test_constfold_keeps_float_identities():
    text = one_op_text("MUL", F64, "%x", "f64 0.0", "%x: f64")
    assert [i.op for i in entry(folded(text))] == ["MUL", "RET"]
    text = one_op_text("ADD", F64, "%x", "f64 0.0", "%x: f64")
    assert [i.op for i in entry(folded(text))] == ["ADD", "RET"]


# ---- (b) before/after programs -------------------------------------------------------------------

LOOP = """
module "t"

func $f(%n: i64, %k: i64) -> i64 {
@entry:
    %k2: i64 = COPY %k
    %zero: i64 = COPY i64 0
    JUMP @loop
@loop:
    %i: i64 = PHI [%zero, @entry], [%i2, @body]
    %acc: i64 = PHI [i64 0, @entry], [%acc2, @body]
    %inv: i64 = PHI [%k2, @entry], [%inv, @body]
    %dead: i64 = PHI [i64 1, @entry], [%dead2, @body]
    %c: i1 = ICMP slt %i, %n
    JUMP_IF %c, @body, @done
@body:
    %t: i64 = MUL %i, %inv
    %t2: i64 = COPY %t
    %acc2: i64 = ADD %acc, %t2
    %dead2: i64 = MUL %dead, i64 3
    %unused: i64 = DIV %acc2, i64 7
    %i2: i64 = ADD %i, i64 1
    JUMP @loop
@done:
    %r: i64 = SUB %acc, %zero
    RET %r
}
"""

KEEPS_TRAP = """
module "t"

func $f(%x: i64, %y: i64) -> i64 {
@entry:
    %q: i64 = DIV %x, %y
    %m: i64 = MUL %x, i64 0
    %s: i64 = SHL %x, %y
    %r: i64 = ADD %m, i64 5
    RET %r
}
"""

DIAMOND = """
module "t"

func $f(%x: i64, %c: i64) -> i64 {
@entry:
    %cx: i64 = COPY %x
    %b: i1 = ICMP sgt %c, i64 0
    JUMP_IF %b, @a, @e
@a:
    %va: i64 = ADD %cx, i64 0
    JUMP @j
@e:
    JUMP @j
@j:
    %p: i64 = PHI [%va, @a], [%cx, @e]
    %q: i64 = PHI [%cx, @a], [%x, @e]
    %r: i64 = SUB %p, %q
    %r2: i64 = ADD %r, %q
    RET %r2
}
"""

PIPELINES = [("copyprop",), ("dce",), ("copyprop", "dce"), ("constfold", "copyprop", "dce"),
             ("copyprop", "constfold", "copyprop", "dce")]


def optimized(text: str, names) -> object:
    module = parse_module(text)
    verify(module)
    passes.run_pipeline(module, names, verify_each=True)
    return module


@pytest.mark.parametrize("names", PIPELINES, ids=",".join)
@pytest.mark.parametrize("text, inputs", [
    (LOOP, [(0, 5), (1, 5), (10, 3), (7, -2), (100, 1 << 40)]),
    (KEEPS_TRAP, [(3, 2), (-4, 1), (5, 0), (1, 64), (-(1 << 63), -1)]),
    (DIAMOND, [(4, 1), (4, -1), (-(1 << 63), 0)]),
], ids=["loop", "keeps_trap", "diamond"])
def test_same_results_before_and_after(text, inputs, names):
    before, after = parse_module(text), optimized(text, names)
    for args in inputs:
        b, a = call(before, args), call(after, args)
        assert (b is TRAPPED) == (a is TRAPPED), f"{names} changed whether $f{args} traps"
        if b is not TRAPPED:
            assert same(a, b), f"{names}: $f{args} was {b}, is {a}"


def test_loop_is_cleaned_up():
    out = print_module(optimized(LOOP, ("copyprop", "dce")))
    assert "COPY" not in out
    assert "%inv" not in out and "%dead" not in out and "%unused" not in out
    assert "%i: i64 = PHI [i64 0, @entry], [%i2, @body]" in out
    assert "%t: i64 = MUL %i, %k" in out


def test_trapping_instructions_survive_dce():
    out = print_module(optimized(KEEPS_TRAP, ("constfold", "dce")))
    assert "DIV %x, %y" in out and "SHL %x, %y" in out
    assert "MUL" not in out and "RET i64 5" in out


def test_all_syntax_stays_valid():
    """Every opcode goes through the three passes, repeated until none changes anything (each round
    can expose work for the others, so that must happen within a few rounds)."""
    module = parse_module(ALL_SYNTAX.read_text())
    verify(module)
    for _ in range(5):
        changed = [passes.run(n, module) for n in ("constfold", "copyprop", "dce")]
        verify(module)
        if not any(changed):
            break
    else:
        pytest.fail("constfold, copyprop and dce did not reach a fixed point")
    out = print_module(module)
    assert "COPY" not in out and "MEMCPY" in out and "FENCE" in out and "CALL %fn" in out


@pytest.mark.parametrize("name", ["constfold", "copyprop", "dce"])
def test_second_run_changes_nothing(name):
    for text in (LOOP, KEEPS_TRAP, DIAMOND):
        module = parse_module(text)
        passes.run(name, module)
        first = print_module(module)
        assert not passes.run(name, module)
        assert print_module(module) == first
