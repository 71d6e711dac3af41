"""KIR's text form round-trips exactly, and the verifier rejects each kind of malformed module."""

from pathlib import Path

import pytest

from pyvm.kir import KirSyntaxError, VerifyError, check_module, parse_module, print_module, verify
from pyvm.kir.opcodes import OPCODES

HERE = Path(__file__).parent


def test_text_round_trips_exactly():
    text = (HERE / "all_syntax.kir").read_text()
    module = parse_module(text)
    assert print_module(module) == text
    assert check_module(module) == []


def wrap(body: str, params: str = "%a: i64, %b: i64", ret: str = "i64", extra: str = "") -> str:
    return f'module "t"\n{extra}\nfunc $f({params}) -> {ret} {{\n{body}\n}}\n'


@pytest.mark.parametrize("body, problem", [
    ("@entry:\n    %x: i64 = ADD %a, %b", "does not end with a terminator"),
    ("@entry:\n    %x: i64 = ADD %a, %b\n    %x2: i32 = ADD %a, %b\n    RET %x", "should have type i64"),
    ("@entry:\n    %x: i64 = ADD %a, i32 1\n    RET %x", "different types"),
    ("@entry:\n    %x: f64 = AND f64 1.0, f64 2.0\n    RET %a", "not defined on f64"),
    ("@entry:\n    JUMP_IF %a, @entry, @entry", "needs an i1"),
    ("@entry:\n    JUMP @nowhere", "unknown block"),
    ("@entry:\n    RET", "RET needs one value of type i64"),
    ("@entry:\n    %c: i1 = ICMP slt %a, %b\n    JUMP_IF %c, @l, @r\n@l:\n    %x: i64 = ADD %a, %b\n    JUMP @r\n"
     "@r:\n    RET %x", "does not dominate"),
    ("@entry:\n    JUMP @m\n@m:\n    %p: i64 = PHI [%a, @entry], [%b, @nowhere]\n    RET %p", "differ from predecessors"),
    ("@entry:\n    %t: i32 = TRUNC %a\n    %z: i16 = ZEXT %t\n    RET %a", "ZEXT cannot turn i32 into i16"),
    ("@entry:\n    %s: ptr = ALLOCA 8, 3\n    RET %a", "power-of-two"),
    ("@entry:\n    %r: i64 = CALL $g(%a)\n    RET %r", "unknown symbol"),
    ("@entry:\n    %r: f64 = INTRINSIC sqrt(%a)\n    RET %a", "takes float arguments"),
    ("@entry:\n    RET %a\n    RET %b", "terminator in the middle"),
    ("@entry:\n    %t: i8 = ADD i8 200, i8 0\n    RET %a", "out of range for i8"),
    ("@entry:\n    %t: i8 = TRUNC %a\n    SWITCH %t, @x, [200: @x, -56: @x]\n@x:\n    RET %a", "repeated case"),
])
def test_verifier_rejects(body, problem):
    module = parse_module(wrap(body))
    problems = check_module(module)
    assert any(problem in p for p in problems), problems
    with pytest.raises(VerifyError):
        verify(module)


def test_call_signature_is_checked():
    text = wrap("@entry:\n    %r: i64 = CALL $g(%a, %b)\n    RET %r", extra="extern $g(i64) -> i64")
    assert any("takes (i64)" in p for p in check_module(parse_module(text)))


@pytest.mark.parametrize("text, where", [
    ('module "t"\nfunc $f() -> i64 {\n@entry:\n    %x: i64 = FROB i64 1\n    RET %x\n}\n', (4, 15)),
    ('module "t"\nfunc $f() -> i64 {\n@entry:\n    RET %nope\n}\n', (4, 9)),
    ('module "t"\nfunc $f() -> i64 {\n@entry:\n    RET i64 1\n', (2, 1)),
    ('module "t"\nwhat\n', (2, 1)),
])
def test_parse_errors_have_positions(text, where):
    with pytest.raises(KirSyntaxError) as exc:
        parse_module(text)
    assert (exc.value.line, exc.value.column) == where


def test_every_opcode_appears_in_the_round_trip_sample():
    text = (HERE / "all_syntax.kir").read_text()
    used = {ins.op for fn in parse_module(text).functions for _, ins in fn.instructions()}
    assert set(OPCODES) - used == set()
