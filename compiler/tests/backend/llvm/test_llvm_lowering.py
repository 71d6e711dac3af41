"""The shape of the LLVM IR the backend emits (FileCheck-style, with the `filecheck` package), and
how it fails on KIR it cannot lower."""

from __future__ import annotations

import contextlib
import io
import textwrap

import llvmlite.ir as ir
import pytest
from filecheck.matcher import Matcher
from filecheck.options import Options

import pyvm.backend.llvm.lower as lower
from pyvm.backend.llvm import UnsupportedOpcode, emit_llvm_ir, lower_module, unhandled_opcodes
from pyvm.kir import VerifyError, parse_module
from pyvm.kir.ir import Block, Const, Function, Instr, Module, Reg
from pyvm.kir.opcodes import INTRINSICS, OPCODES, IntrinsicInfo, OpInfo
from pyvm.kir.types import F64, I64


def filecheck(text: str, checks: str, tmp_path) -> None:
    """Match `text` against FileCheck directives (CHECK, CHECK-NEXT, CHECK-LABEL, CHECK-NOT, ...)."""
    source, directives = tmp_path / "input.ll", tmp_path / "checks"
    source.write_text(text)
    directives.write_text(textwrap.dedent(checks))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = Matcher.from_opts(Options(match_filename=str(directives), input_file=str(source))).run()
    assert code == 0, f"FileCheck failed:\n{err.getvalue()}\n---- input ----\n{text}"


LOOP = """\
module "fc"

data $msg = const "hi" align 1
data $g = zero 16 align 16
extern $ext(i8, ptr) -> i16 readonly
extern $die() -> void noreturn

func $loop(%n: i64, %p: ptr) -> i64 export {
@entry:
    JUMP @head
@head:
    %i: i64 = PHI [i64 0, @entry], [%i2, @body]
    %acc: i64 = PHI [i64 0, @entry], [%acc2, @body]
    %c: i1 = ICMP slt %i, %n
    JUMP_IF %c, @body, @done
@body:
    %tmp: ptr = ALLOCA 16, 8
    STORE %i, %tmp, 8
    %v: i64 = LOAD %tmp, 8
    %q: ptr = GEP %p, %v, 8, 16
    %w: i32 = LOAD %q, 4
    %w64: i64 = SEXT %w
    %acc2: i64 = ADD %acc, %w64
    %i2: i64 = ADD %i, i64 1
    JUMP @head
@done:
    %d: i64 = DIV %acc, %n
    %sh: i64 = SHR %d, i64 1
    %neg: i64 = NEG %sh
    RET %neg
}

func $helper(%x: f64) -> f64 inline {
@entry:
    %y: f64 = NEG %x
    RET %y
}
"""


def test_lowered_loop(tmp_path):
    text = str(lower_module(parse_module(LOOP)))
    filecheck(text, """
        CHECK: @"msg" = private unnamed_addr constant [2 x i8] c"hi", align 1
        CHECK: @"g" = internal global [16 x i8] zeroinitializer, align 16
        CHECK: declare signext i16 @"ext"(i8 signext {{.*}}, i8* {{.*}}) readonly
        CHECK: declare void @"die"() noreturn

        COM: exported, and the ALLOCA of the loop body hoisted to the entry block
        CHECK-LABEL: define i64 @"loop"(i64 %"n", i8* %"p") nounwind
        CHECK: entry:
        CHECK-NEXT: %"tmp.slot" = alloca [16 x i8], align 8
        CHECK-NEXT: %"tmp" = bitcast [16 x i8]* %"tmp.slot" to i8*
        CHECK-NEXT: br label %"head"
        CHECK-NEXT: head:
        CHECK-NEXT: %"i" = phi i64 [0, %"entry"], [%"i2", %"body"]
        CHECK-NEXT: %"acc" = phi i64 [0, %"entry"], [%"acc2", %"body"]
        CHECK-NEXT: %"c" = icmp slt i64 %"i", %"n"
        CHECK-NEXT: br i1 %"c", label %"body", label %"done"
        CHECK-NEXT: body:
        CHECK-NOT: alloca
        CHECK: store i64 %"i", i64* [[SLOT:%"?[.a-z0-9]+"?]], align 8
        CHECK: %"v" = load i64, i64* {{%"?[.a-z0-9]+"?}}, align 8

        COM: GEP: base + index*scale + offset as one i8 GEP, wrapping (no inbounds)
        CHECK-NEXT: [[SCALED:%"?[.0-9]+"?]] = mul i64 %"v", 8
        CHECK-NEXT: [[OFF:%"?[.0-9]+"?]] = add i64 [[SCALED]], 16
        CHECK-NEXT: %"q" = getelementptr i8, i8* %"p", i64 [[OFF]]
        CHECK: %"w" = load i32, i32* {{.*}}, align 4
        CHECK-NEXT: %"w64" = sext i32 %"w" to i64

        COM: integer arithmetic wraps: no nsw/nuw
        CHECK-NEXT: %"acc2" = add i64 %"acc", %"w64"
        CHECK-NEXT: %"i2" = add i64 %"i", 1
        CHECK-NEXT: br label %"head"
        CHECK-NEXT: done:
        CHECK-NEXT: %"d" = sdiv i64 %"acc", %"n"
        CHECK-NEXT: %"sh" = ashr i64 %"d", 1
        CHECK-NEXT: %"neg" = sub i64 0, %"sh"
        CHECK-NEXT: ret i64 %"neg"

        CHECK-LABEL: define internal double @"helper"(double %"x") inlinehint nounwind
        CHECK: %"y" = fneg double %"x"
    """, tmp_path)
    for flag in (" nsw ", " nuw ", " inbounds ", " exact "):
        assert flag not in text


def test_optimised_loop_has_no_alloca(tmp_path):
    filecheck(emit_llvm_ir(lower_module(parse_module(LOOP)), 2), """
        CHECK-LABEL: define {{.*}}i64 @loop(
        CHECK-NOT: alloca
        CHECK: ret i64
    """, tmp_path)


def test_size_level_marks_functions_minsize(tmp_path):
    filecheck(emit_llvm_ir(lower_module(parse_module(LOOP)), 2, size=True), """
        CHECK: define {{.*}} @loop({{.*}} #[[A:[0-9]+]]
        CHECK: attributes #[[A]] = { minsize {{.*}}optsize
    """, tmp_path)


KEEPING_KIR_SEMANTICS = """\
module "sem"

func $f(%a: f32, %b: f64, %x: i1, %y: i1, %p: ptr, %q: ptr, %s: i8) -> i64 export {
@entry:
    %sn: f32 = INTRINSIC sin(%a)
    %sq: f32 = INTRINSIC sqrt(%a)
    %pw: f64 = INTRINSIC pow(%b, %b)
    %d: i1 = DIV %x, %y
    %r: i1 = REM %x, %y
    %ov: i1 = INTRINSIC smul_overflow(%x, %y)
    %big: i1 = INTRINSIC sadd_overflow(%s, %s)
    %fi: i1 = FPTOSI %b
    %lt: i1 = ICMP slt %p, %q
    %u: i1 = FCMP ueq %b, %b
    %fr: f64 = REM %b, %b
    SWITCH %s, @other, [1: @one, 2: @two, -3: @three]
@other:
    RET i64 0
@one:
    RET i64 1
@two:
    RET i64 2
@three:
    RET i64 3
}
"""


def test_kir_semantics_in_the_ir(tmp_path):
    filecheck(str(lower_module(parse_module(KEEPING_KIR_SEMANTICS))), """
        COM: f32 transcendental functions are computed in double and rounded once, as KIR does
        CHECK: [[E:%"?[.0-9a-z]+"?]] = fpext float %"a" to double
        CHECK-NEXT: %"sn.f64" = call double @"llvm.sin.f64"(double [[E]])
        CHECK-NEXT: %"sn" = fptrunc double %"sn.f64" to float
        CHECK-NEXT: %"sq" = call float @"llvm.sqrt.f32"(float %"a")
        CHECK-NEXT: %"pw" = call double @"llvm.pow.f64"(double %"b", double %"b")

        COM: i1 is 0/1: its division, overflow checks and FPTOSI are unsigned
        CHECK-NEXT: %"d" = udiv i1 %"x", %"y"
        CHECK-NEXT: %"r" = urem i1 %"x", %"y"
        CHECK: mul i8
        CHECK-NEXT: %"ov" = icmp ugt i8 {{.*}}, 1
        CHECK: call {i8, i1} @"llvm.sadd.with.overflow.i8"(i8 %"s", i8 %"s")
        CHECK-NEXT: %"big" = extractvalue {i8, i1} {{.*}}, 1
        CHECK-NEXT: %"fi" = fptoui double %"b" to i1

        COM: ptr values are unsigned addresses in KIR, whatever the condition says
        CHECK-NEXT: %"lt" = icmp ult i8* %"p", %"q"
        CHECK-NEXT: %"u" = fcmp ueq double %"b", %"b"
        CHECK-NEXT: %"fr" = frem double %"b", %"b"

        COM: case constants keep their values in the switch's type
        CHECK-NEXT: switch i8 %"s", label %"other" [i8 1, label %"one" i8 2, label %"two" i8 -3, label %"three"]
    """, tmp_path)


ATOMICS = """\
module "atomics"

func $f(%p: ptr, %v: i32, %b: i1, %x: f64) -> i32 export {
@entry:
    %l: i32 = ATOMIC_LOAD %p, release
    ATOMIC_STORE %v, %p, acquire
    %o: i32 = ATOMIC_RMW umax %p, %v, acq_rel
    %c: i32 = ATOMIC_CMP_XCHG %p, %l, %o, seq_cst, acq_rel
    %bo: i1 = ATOMIC_RMW add %p, %b, monotonic
    %xo: f64 = ATOMIC_CMP_XCHG %p, %x, %x, release, release
    FENCE monotonic
    FENCE acquire
    RET %c
}
"""


def test_atomics_orderings_llvm_accepts(tmp_path):
    text = str(lower_module(parse_module(ATOMICS)))
    filecheck(text, """
        COM: orderings LLVM forbids are strengthened; a relaxed fence is dropped
        CHECK: %"l" = load atomic i32, i32* {{.*}} seq_cst, align 4
        CHECK: store atomic i32 %"v", i32* {{.*}} seq_cst, align 4
        CHECK: %"o" = atomicrmw umax i32* {{.*}}, i32 %"v" acq_rel
        CHECK: %"c.pair" = cmpxchg i32* {{.*}}, i32 %"l", i32 %"o" seq_cst acquire
        CHECK-NEXT: %"c" = extractvalue {i32, i1} %"c.pair", 0
        COM: i1 is a byte holding 0/1 (add is xor mod 2); floats are exchanged as bits
        CHECK: %"bo.raw" = atomicrmw xor i8* {{.*}} monotonic
        CHECK-NEXT: %"bo" = trunc i8 %"bo.raw" to i1
        COM: floats compare by value (KIR), so the exchange of their bits retries in a loop
        CHECK: %"xo.first" = load atomic i64, i64* {{.*}} monotonic, align 8
        CHECK: xo.cas:
        CHECK-NEXT: %"xo.bits" = phi i64 [%"xo.first", %"entry"], [{{.*}}, %"xo.try"]
        CHECK: fcmp oeq double {{.*}}, %"x"
        CHECK: xo.try:
        CHECK-NEXT: %"xo.pair" = cmpxchg i64* {{.*}}, i64 %"xo.bits", i64 {{.*}} release monotonic
        CHECK: xo.done:
        CHECK-NEXT: %"xo" = bitcast i64 %"xo.bits" to double
        CHECK-NOT: fence monotonic
        CHECK: fence acquire
    """, tmp_path)
    emit_llvm_ir(text, 0)  # LLVM's verifier accepts it


def test_unreachable_blocks_are_not_lowered():
    m = parse_module("""\
module "dead"

func $f(%a: i64) -> i64 export {
@entry:
    JUMP @join
@dead1:
    %x: i64 = ADD %y, i64 1
    JUMP @dead2
@dead2:
    %y: i64 = ADD %x, i64 1
    JUMP @join
@join:
    %p: i64 = PHI [%a, @entry], [%y, @dead2]
    RET %p
}
""")
    fn = lower_module(m).get_global("f")
    assert [b.name for b in fn.blocks] == ["entry", "join"]
    emit_llvm_ir(lower_module(m), 2)


def test_linkage_and_attributes():
    llmod = lower_module(parse_module(LOOP))
    assert llmod.get_global("loop").linkage == ""  # external
    assert llmod.get_global("helper").linkage == "internal"
    assert "inlinehint" in llmod.get_global("helper").attributes
    assert llmod.get_global("msg").global_constant and llmod.get_global("msg").linkage == "private"
    assert llmod.get_global("g").linkage == "internal" and llmod.get_global("g").align == 16
    assert "noreturn" in llmod.get_global("die").attributes
    assert llmod.triple and llmod.data_layout


def test_every_opcode_and_intrinsic_has_a_lowering():
    assert unhandled_opcodes() == []
    for op in OPCODES:
        lower.handler_for(op)


def _module_with(ins: Instr, params: list[Reg], ret=I64) -> Module:
    fn = Function("f", params, ret, [Block("entry", [ins, Instr("RET", None, [ins.dest])])], ("export",))
    return Module("m", functions=[fn])


def test_a_new_opcode_is_named(monkeypatch):
    monkeypatch.setitem(OPCODES, "FROB", OpInfo("FROB", "frobnication", ("v",), "int", "same"))
    a = Reg("a", I64)
    with pytest.raises(UnsupportedOpcode, match="FROB"):
        lower_module(_module_with(Instr("FROB", Reg("r", I64), [a]), [a]), verify_kir=False)
    assert "FROB" in unhandled_opcodes()


def test_a_new_binary_opcode_is_named(monkeypatch):
    monkeypatch.setitem(OPCODES, "ROTL", OpInfo("ROTL", "binary", ("v", "v"), "int", "same"))
    a = Reg("a", I64)
    with pytest.raises(UnsupportedOpcode, match="ROTL"):
        lower_module(_module_with(Instr("ROTL", Reg("r", I64), [a, Const(I64, 3)]), [a]), verify_kir=False)
    assert "ROTL" in unhandled_opcodes()


def test_a_new_intrinsic_is_named(monkeypatch):
    monkeypatch.setitem(INTRINSICS, "cbrt", IntrinsicInfo("cbrt", "f->f"))
    x = Reg("x", F64)
    with pytest.raises(UnsupportedOpcode, match="cbrt"):
        lower_module(_module_with(Instr("INTRINSIC", Reg("r", F64), ["cbrt", x]), [x], F64))
    assert "INTRINSIC cbrt" in unhandled_opcodes()


def test_unknown_attribute_is_named():
    m = parse_module('module "m"\n\nextern $f() -> void weird_attr\n')
    with pytest.raises(UnsupportedOpcode, match="weird_attr"):
        lower_module(m)


def test_malformed_kir_is_rejected_before_lowering():
    m = parse_module('module "m"\n\nfunc $f() -> i64 {\n@entry:\n    RET i32 1\n}\n')
    with pytest.raises(VerifyError):
        lower_module(m)


def test_types():
    assert str(lower.llvm_type(I64)) == "i64"
    assert lower.llvm_type(F64) == ir.DoubleType()
    assert str(lower.LLVM_TYPES["ptr"]) == "i8*"
