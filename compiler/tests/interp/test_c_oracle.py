"""The interpreter against C: gcc computes the same operations on the same inputs and both sides
print one line per case (ints in decimal, floats as their bits, NaN as "nan", traps as "trap").

C has no undefined behaviour here: wrapping arithmetic goes through unsigned types, and the cases KIR
traps on (division by zero, INT_MIN / -1) are filtered in C by the same condition and print "trap".
f32 intrinsics are C's double functions rounded to float, which is KIR's definition (semantics.py)."""

from __future__ import annotations

import math
import struct
import subprocess

from interp_helpers import compile_c, interp, needs_cc

from pyvm.interp import KirTrap

pytestmark = needs_cc

CT = {"i8": ("int8_t", "uint8_t"), "i16": ("int16_t", "uint16_t"), "i32": ("int32_t", "uint32_t"),
      "i64": ("int64_t", "uint64_t"), "f32": ("float", None), "f64": ("double", None)}
BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64}


def int_vals(t: str) -> list[int]:
    n = BITS[t]
    lo, hi = -(1 << (n - 1)), (1 << (n - 1)) - 1
    extra = [(1 << 62) + (1 << 38) + 1, -(1 << 55) - (1 << 31) - 1] if n == 64 else []  # f32 rounding
    return [lo, lo + 1, -100, -7, -1, 0, 1, 2, 3, 13, 100, hi // 2 + 3, hi - 1, hi, *extra]


SHIFTS = {t: [0, 1, 3, BITS[t] // 2, BITS[t] - 1] for t in BITS}
F64 = [0.0, -0.0, 1.0, -1.0, 0.1, 2.5, -2.5, 3.0, 1e10, -7.75, 1e300, 5e-324, 2.0**62, math.inf, -math.inf,
       math.nan]
F32 = [struct.unpack("f", struct.pack("f", x))[0] for x in
       [0.0, -0.0, 1.0, -1.0, 0.1, 2.5, -2.5, 3.0, 1e10, -7.75, 3e38, 1e-45, 2.0**62]] + [math.inf, -math.inf,
                                                                                       math.nan]


def c_lit(t: str, v) -> str:
    if t in ("f32", "f64"):
        if math.isnan(v):
            return "NAN"
        if math.isinf(v):
            return "INFINITY" if v > 0 else "-INFINITY"
        text = float(v).hex()
        return text + ("f" if t == "f32" else "")
    n = BITS[t]
    if v == -(1 << (n - 1)):
        return f"(({CT[t][0]})(-{(1 << (n - 1)) - 1}LL - 1))"
    return f"(({CT[t][0]}){v}LL)"


def kir_lit(t: str, v) -> str:
    return f"{t} {v!r}"


class Group:
    """One operation on a grid of inputs: a KIR function and a C expression over a (and b)."""

    def __init__(self, name, ta, tb, tr, kir_body, c_expr, avals, bvals=None, c_trap="0"):
        self.name, self.ta, self.tb, self.tr = name, ta, tb, tr
        self.kir_body, self.c_expr, self.c_trap = kir_body, c_expr, c_trap
        self.avals, self.bvals = avals, bvals

    def cases(self):
        if self.bvals is None:
            return [(a,) for a in self.avals]
        return [(a, b) for a in self.avals for b in self.bvals]

    def kir(self, fname: str) -> str:
        params = f"%a: {self.ta}" + (f", %b: {self.tb}" if self.bvals is not None else "")
        return f"func ${fname}({params}) -> {self.tr} {{\n@entry:\n    {self.kir_body}\n    RET %r\n}}\n"

    def c(self) -> str:
        out = []
        arr_a = ", ".join(c_lit(self.ta, a) for a in self.avals)
        out.append(f"{{ static const {CT[self.ta][0]} A[] = {{{arr_a}}};")
        if self.bvals is not None:
            arr_b = ", ".join(c_lit(self.tb, b) for b in self.bvals)
            out.append(f"  static const {CT[self.tb][0]} B[] = {{{arr_b}}};")
            out.append("  for (unsigned i = 0; i < sizeof A / sizeof A[0]; i++)"
                       " for (unsigned j = 0; j < sizeof B / sizeof B[0]; j++) {")
            out.append(f"    volatile {CT[self.ta][0]} a = A[i]; volatile {CT[self.tb][0]} b = B[j];")
        else:
            out.append("  for (unsigned i = 0; i < sizeof A / sizeof A[0]; i++) {")
            out.append(f"    volatile {CT[self.ta][0]} a = A[i];")
        out.append(f"    if ({self.c_trap}) {{ puts(\"trap\"); continue; }}")
        if self.tr in ("f32", "f64"):
            out.append(f"    out_{self.tr}(({CT[self.tr][0]})({self.c_expr}));")
        else:
            out.append(f"    printf(\"%lld\\n\", (long long)({self.c_expr}));")
        out.append("  } }")
        return "\n".join(out)


def groups() -> list[Group]:
    gs: list[Group] = []
    for t in BITS:
        T, U = CT[t]
        vals = int_vals(t)
        mn = c_lit(t, -(1 << (BITS[t] - 1)))
        wide = {"ADD": "+", "SUB": "-", "MUL": "*"}
        for op, sym in wide.items():
            gs.append(Group(f"{op}.{t}", t, t, t, f"%r: {t} = {op} %a, %b",
                            f"({T})({U})((uint64_t)({U})a {sym} (uint64_t)({U})b)", vals, vals))
        for op, sym in {"DIV": "/", "REM": "%"}.items():
            gs.append(Group(f"{op}.{t}", t, t, t, f"%r: {t} = {op} %a, %b", f"({T})(a {sym} b)", vals, vals,
                            c_trap=f"b == 0 || (a == {mn} && b == -1)"))
        for op, sym in {"UDIV": "/", "UREM": "%"}.items():
            gs.append(Group(f"{op}.{t}", t, t, t, f"%r: {t} = {op} %a, %b", f"({T})(({U})a {sym} ({U})b)",
                            vals, vals, c_trap="b == 0"))
        for op, sym in {"AND": "&", "OR": "|", "XOR": "^"}.items():
            gs.append(Group(f"{op}.{t}", t, t, t, f"%r: {t} = {op} %a, %b", f"({T})(a {sym} b)", vals, vals))
        gs.append(Group(f"SHL.{t}", t, t, t, f"%r: {t} = SHL %a, %b", f"({T})({U})((uint64_t)({U})a << b)",
                        vals, SHIFTS[t]))
        gs.append(Group(f"SHR.{t}", t, t, t, f"%r: {t} = SHR %a, %b", f"({T})(a >> b)", vals, SHIFTS[t]))
        gs.append(Group(f"LSHR.{t}", t, t, t, f"%r: {t} = LSHR %a, %b", f"({T})(({U})a >> b)", vals,
                        SHIFTS[t]))
        gs.append(Group(f"NEG.{t}", t, None, t, f"%r: {t} = NEG %a", f"({T})({U})(0 - (uint64_t)({U})a)", vals))
        gs.append(Group(f"NOT.{t}", t, None, t, f"%r: {t} = NOT %a", f"({T})~a", vals))
        for cond, sym in {"eq": "==", "ne": "!=", "sgt": ">", "sge": ">=", "slt": "<", "sle": "<="}.items():
            gs.append(Group(f"ICMP.{cond}.{t}", t, t, "i64", f"%c: i1 = ICMP {cond} %a, %b\n    %r: i64 = ZEXT %c",
                            f"a {sym} b", vals, vals))
        for cond, sym in {"ugt": ">", "uge": ">=", "ult": "<", "ule": "<="}.items():
            gs.append(Group(f"ICMP.{cond}.{t}", t, t, "i64", f"%c: i1 = ICMP {cond} %a, %b\n    %r: i64 = ZEXT %c",
                            f"({U})a {sym} ({U})b", vals, vals))
        for ov, builtin in {"sadd_overflow": "add", "ssub_overflow": "sub", "smul_overflow": "mul"}.items():
            gs.append(Group(f"{ov}.{t}", t, t, "i64",
                            f"%c: i1 = INTRINSIC {ov}(%a, %b)\n    %r: i64 = ZEXT %c",
                            f"({{ {T} o; __builtin_{builtin}_overflow(a, b, &o); }})", vals, vals))
        for d in BITS:
            if BITS[d] > BITS[t]:
                gs.append(Group(f"ZEXT.{t}.{d}", t, None, d, f"%r: {d} = ZEXT %a", f"({CT[d][0]})({U})a", vals))
                gs.append(Group(f"SEXT.{t}.{d}", t, None, d, f"%r: {d} = SEXT %a", f"({CT[d][0]})a", vals))
            elif BITS[d] < BITS[t]:
                gs.append(Group(f"TRUNC.{t}.{d}", t, None, d, f"%r: {d} = TRUNC %a",
                                f"({CT[d][0]})({CT[d][1]})a", vals))
        for f in ("f32", "f64"):
            F = CT[f][0]
            gs.append(Group(f"SITOFP.{t}.{f}", t, None, f, f"%r: {f} = SITOFP %a", f"({F})a", vals))
            gs.append(Group(f"UITOFP.{t}.{f}", t, None, f, f"%r: {f} = UITOFP %a", f"({F})({U})a", vals))
            fvals = F64 if f == "f64" else F32
            lo, hi = -(2.0 ** (BITS[t] - 1)), 2.0 ** (BITS[t] - 1)
            gs.append(Group(f"FPTOSI.{f}.{t}", f, None, t, f"%r: {t} = FPTOSI %a", f"({T})a", fvals,
                            c_trap=f"isnan(a) || !(a > {lo!r} - 1.0 && a < {hi!r})"))
            gs.append(Group(f"FPTOUI.{f}.{t}", f, None, t, f"%r: {t} = FPTOUI %a", f"({T})({U})a", fvals,
                            c_trap=f"isnan(a) || !(a > -1.0 && a < {2 * hi!r})"))
    for f in ("f32", "f64"):
        F = CT[f][0]
        vals = F64 if f == "f64" else F32
        for op, sym in {"ADD": "+", "SUB": "-", "MUL": "*", "DIV": "/"}.items():
            gs.append(Group(f"{op}.{f}", f, f, f, f"%r: {f} = {op} %a, %b", f"a {sym} b", vals, vals))
        gs.append(Group(f"REM.{f}", f, f, f, f"%r: {f} = REM %a, %b", "fmod(a, b)", vals, vals))
        gs.append(Group(f"NEG.{f}", f, None, f, f"%r: {f} = NEG %a", "-a", vals))
        fcmp = {"oeq": "a == b", "one": "islessgreater(a, b)", "ogt": "isgreater(a, b)",
                "oge": "isgreaterequal(a, b)", "olt": "isless(a, b)", "ole": "islessequal(a, b)",
                "ord": "!isunordered(a, b)", "uno": "isunordered(a, b)", "ueq": "isunordered(a, b) || a == b",
                "une": "a != b", "ugt": "!islessequal(a, b)", "uge": "!isless(a, b)",
                "ult": "!isgreaterequal(a, b)", "ule": "!isgreater(a, b)"}
        for cond, expr in fcmp.items():
            gs.append(Group(f"FCMP.{cond}.{f}", f, f, "i64", f"%c: i1 = FCMP {cond} %a, %b\n    %r: i64 = ZEXT %c",
                            expr, vals, vals))
        for name in ("sqrt", "floor", "ceil", "trunc", "fabs", "sin", "cos", "tan", "exp", "log", "log2",
                     "log10"):
            gs.append(Group(f"{name}.{f}", f, None, f, f"%r: {f} = INTRINSIC {name}(%a)", f"({F}){name}((double)a)",
                            vals))
        for name in ("pow", "copysign"):
            gs.append(Group(f"{name}.{f}", f, f, f, f"%r: {f} = INTRINSIC {name}(%a, %b)",
                            f"({F}){name}((double)a, (double)b)", vals,
                            [v for v in vals if abs(v) < 1e30 or not math.isfinite(v)]))
    gs.append(Group("FPEXT", "f32", None, "f64", "%r: f64 = FPEXT %a", "(double)a", F32))
    gs.append(Group("FPTRUNC", "f64", None, "f32", "%r: f32 = FPTRUNC %a", "(float)a", F64 + [1 + 2**-24, 3.4028235e38 * 1.0000001]))
    gs.append(Group("BITCAST.f64.i64", "f64", None, "i64", "%r: i64 = BITCAST %a",
                    "({ int64_t i; double d = a; memcpy(&i, &d, 8); i; })", F64[:-1]))
    gs.append(Group("BITCAST.i64.f64", "i64", None, "f64", "%r: f64 = BITCAST %a",
                    "({ double d; int64_t i = a; memcpy(&d, &i, 8); d; })", int_vals("i64")))
    gs.append(Group("BITCAST.f32.i32", "f32", None, "i32", "%r: i32 = BITCAST %a",
                    "({ int32_t i; float d = a; memcpy(&i, &d, 4); i; })", F32[:-1]))
    gs.append(Group("BITCAST.i32.f32", "i32", None, "f32", "%r: f32 = BITCAST %a",
                    "({ float d; int32_t i = a; memcpy(&d, &i, 4); d; })", int_vals("i32")))
    return gs


C_HEAD = r"""
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
static void out_f64(double x) { uint64_t u; if (isnan(x)) { puts("nan"); return; }
    memcpy(&u, &x, 8); printf("%016llx\n", (unsigned long long)u); }
static void out_f32(float x) { uint32_t u; if (isnan(x)) { puts("nan"); return; }
    memcpy(&u, &x, 4); printf("%08x\n", (unsigned)u); }
int main(void) {
"""


def kir_line(tr: str, value) -> str:
    if tr == "f64":
        return "nan" if math.isnan(value) else f"{struct.unpack('<Q', struct.pack('<d', value))[0]:016x}"
    if tr == "f32":
        return "nan" if math.isnan(value) else f"{struct.unpack('<I', struct.pack('<f', value))[0]:08x}"
    return str(value)


def test_interpreter_agrees_with_gcc(tmp_path):
    gs = groups()
    exe = compile_c(tmp_path, "oracle", C_HEAD + "\n".join(g.c() for g in gs) + "\nreturn 0; }\n", shared=False,
                    libs=("-lm",))
    c_lines = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.splitlines()
    text = 'module "oracle"\n\n' + "\n".join(g.kir(f"g{i}") for i, g in enumerate(gs))
    it = interp(text)
    mismatches, n = [], 0
    for i, g in enumerate(gs):
        for args in g.cases():
            try:
                got = kir_line(g.tr, it.call(f"g{i}", list(args)))
            except KirTrap:
                got = "trap"
            want = c_lines[n]
            if got != want:
                mismatches.append(f"{g.name}{args}: interpreter {got}, C {want}")
            n += 1
    assert n == len(c_lines)
    assert not mismatches, f"{len(mismatches)} of {n} cases differ:\n" + "\n".join(mismatches[:40])
    assert n > 10_000
