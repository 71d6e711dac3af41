"""Pure semantics of KIR's arithmetic, comparison and cast opcodes, on Python numbers.

Shared by the interpreter (the reference semantics) and constant folding, so a folded constant can
never disagree with what the interpreter would have computed. Integers are kept in their type's
signed range (i1 as 0/1); floats are Python floats, rounded to single precision for f32.
Operations that are undefined in KIR (division by zero, INT_MIN / -1, over-wide shifts, float to
int conversion out of range) raise `Trap`: the interpreter reports them, folding leaves them alone.
"""

from __future__ import annotations

import math
import struct

from pyvm.kir.types import F32, F64, Type


class Trap(Exception):
    """Undefined behaviour in KIR: a well-formed program from the frontend never reaches one."""


def round_f32(x: float) -> float:
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def as_float(t: Type, x: float) -> float:
    return round_f32(x) if t == F32 else x


# ---- integer arithmetic --------------------------------------------------------------------------

def _sdiv(t: Type, a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer division by zero")
    if t.bits > 1 and a == t.min_signed and b == -1:
        raise Trap("signed division overflow")
    q = abs(a) // abs(b)
    return t.wrap(q if (a < 0) == (b < 0) else -q)


def _srem(t: Type, a: int, b: int) -> int:
    if b == 0:
        raise Trap("integer remainder by zero")
    if t.bits > 1 and a == t.min_signed and b == -1:
        raise Trap("signed remainder overflow")
    r = abs(a) % abs(b)
    return t.wrap(r if a >= 0 else -r)


def _udiv(t: Type, a: int, b: int) -> int:
    if t.unsigned(b) == 0:
        raise Trap("integer division by zero")
    return t.wrap(t.unsigned(a) // t.unsigned(b))


def _urem(t: Type, a: int, b: int) -> int:
    if t.unsigned(b) == 0:
        raise Trap("integer remainder by zero")
    return t.wrap(t.unsigned(a) % t.unsigned(b))


def _shift_amount(t: Type, b: int) -> int:
    amount = t.unsigned(b)
    if amount >= t.bits:
        raise Trap(f"shift by {amount} of a {t.bits}-bit value")
    return amount


def _fdiv(a: float, b: float) -> float:
    if b == 0.0:
        if a == 0.0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _frem(a: float, b: float) -> float:
    if b == 0.0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def _fmul(a: float, b: float) -> float:
    try:
        return a * b
    except OverflowError:
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def binary(op: str, t: Type, a, b):
    """ADD SUB MUL DIV REM UDIV UREM AND OR XOR SHL SHR LSHR on type t."""
    if t.is_float:
        if op == "ADD":
            r = a + b
        elif op == "SUB":
            r = a - b
        elif op == "MUL":
            r = _fmul(a, b)
        elif op == "DIV":
            r = _fdiv(a, b)
        elif op == "REM":
            r = _frem(a, b)
        else:
            raise Trap(f"{op} is not defined on {t}")
        return as_float(t, r)
    if op == "ADD":
        return t.wrap(a + b)
    if op == "SUB":
        return t.wrap(a - b)
    if op == "MUL":
        return t.wrap(a * b)
    if op == "DIV":
        return _sdiv(t, a, b)
    if op == "REM":
        return _srem(t, a, b)
    if op == "UDIV":
        return _udiv(t, a, b)
    if op == "UREM":
        return _urem(t, a, b)
    if op == "AND":
        return t.wrap(a & b)
    if op == "OR":
        return t.wrap(a | b)
    if op == "XOR":
        return t.wrap(a ^ b)
    if op == "SHL":
        return t.wrap(a << _shift_amount(t, b))
    if op == "SHR":  # arithmetic
        return t.wrap(a >> _shift_amount(t, b))
    if op == "LSHR":
        return t.wrap(t.unsigned(a) >> _shift_amount(t, b))
    raise Trap(f"unknown binary opcode {op}")


def unary(op: str, t: Type, a):
    if op == "NEG":
        return as_float(t, -a) if t.is_float else t.wrap(-a)
    if op == "NOT":
        return t.wrap(~a) if t.bits > 1 else a ^ 1
    raise Trap(f"unknown unary opcode {op}")


# ---- comparisons ---------------------------------------------------------------------------------

def icmp(cond: str, t: Type, a: int, b: int) -> int:
    if cond in ("ugt", "uge", "ult", "ule"):
        a, b = t.unsigned(a), t.unsigned(b)
    elif t.bits == 1:  # i1 signed: 1 is -1
        a, b = -a, -b
    return int({"eq": a == b, "ne": a != b, "ugt": a > b, "uge": a >= b, "ult": a < b, "ule": a <= b,
                "sgt": a > b, "sge": a >= b, "slt": a < b, "sle": a <= b}[cond])


def fcmp(cond: str, a: float, b: float) -> int:
    unordered = math.isnan(a) or math.isnan(b)
    if cond == "ord":
        return int(not unordered)
    if cond == "uno":
        return int(unordered)
    base = {"eq": a == b, "ne": a != b, "gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[cond[1:]]
    if cond[0] == "o":
        return int(not unordered and base)
    return int(unordered or base)


# ---- casts ---------------------------------------------------------------------------------------

def cast(op: str, src: Type, dst: Type, v):
    if op == "ZEXT":
        return dst.wrap(src.unsigned(v))
    if op == "SEXT":
        return dst.wrap(-v if src.bits == 1 else v)
    if op == "TRUNC":
        return dst.wrap(v)
    if op in ("FPEXT", "FPTRUNC"):
        return as_float(dst, v)
    if op == "SITOFP":
        return int_to_float(dst, -v if src.bits == 1 else v)
    if op == "UITOFP":
        return int_to_float(dst, src.unsigned(v))
    if op in ("FPTOSI", "FPTOUI"):
        if math.isnan(v) or math.isinf(v):
            raise Trap(f"{op} of {v}")
        i = int(v)  # truncates toward zero
        lo, hi = (dst.min_signed, dst.max_signed) if op == "FPTOSI" else (0, (1 << dst.bits) - 1)
        if not lo <= i <= hi:
            raise Trap(f"{op} of {v} out of range for {dst}")
        return dst.wrap(i)
    if op == "BITCAST":
        return bitcast(src, dst, v)
    if op == "PTR2INT":
        return dst.wrap(v)
    if op == "INT2PTR":
        return src.unsigned(v) & ((1 << 64) - 1)
    raise Trap(f"unknown cast {op}")


def int_to_float(dst: Type, v: int) -> float:
    """Round an integer once, to nearest-even, at the target precision (going through f64 first
    would round twice for f32)."""
    if dst != F32:
        return float(v)
    magnitude = abs(v)
    extra = magnitude.bit_length() - 24
    if extra > 0:
        q, r = divmod(magnitude, 1 << extra)
        half = 1 << (extra - 1)
        if r > half or (r == half and q & 1):
            q += 1
        magnitude = q << extra
    return round_f32(float(magnitude if v >= 0 else -magnitude))


def bitcast(src: Type, dst: Type, v):
    if src == dst:
        return v
    if src.is_float:
        raw = struct.pack("<d", v) if src == F64 else struct.pack("<f", v)
        return dst.wrap(int.from_bytes(raw, "little"))
    raw = src.unsigned(v).to_bytes(src.size, "little")
    return struct.unpack("<d", raw)[0] if dst == F64 else struct.unpack("<f", raw)[0]


# ---- intrinsics ----------------------------------------------------------------------------------

def _checked(t: Type, exact: int) -> int:
    return int(not t.min_signed <= exact <= t.max_signed)


def _odd_integer(y: float) -> bool:
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0.0


def _pow(a: float, b: float) -> float:
    """C's pow (IEEE 754 / C99 Annex F), which Python's math.pow reports as errors instead."""
    try:
        return math.pow(a, b)
    except OverflowError:
        return -math.inf if a < 0 and _odd_integer(b) else math.inf
    except ValueError:
        if a == 0.0:  # a pole: pow(±0, y < 0)
            return math.copysign(math.inf, a) if _odd_integer(b) else math.inf
        return math.nan


def _math1(fn):
    def apply(a: float) -> float:
        try:
            return fn(a)
        except ValueError:
            return math.nan
        except OverflowError:
            return math.inf
    return apply


def _log(fn):
    def apply(a: float) -> float:
        if a == 0.0:
            return -math.inf
        if a < 0.0 or math.isnan(a):
            return math.nan
        return fn(a)
    return apply


def _to_integral(fn, a: float) -> float:
    """C's floor/ceil/trunc: infinities, NaN and integral values unchanged, the sign of zero kept."""
    if math.isinf(a) or math.isnan(a) or a == math.floor(a):
        return a
    return math.copysign(float(fn(a)), a)


INTRINSIC_EVAL = {
    "sqrt": _math1(lambda a: math.nan if a < 0 else math.sqrt(a)),
    "floor": lambda a: _to_integral(math.floor, a),
    "ceil": lambda a: _to_integral(math.ceil, a),
    "trunc": lambda a: _to_integral(math.trunc, a),
    "fabs": abs,
    "sin": _math1(math.sin),
    "cos": _math1(math.cos),
    "tan": _math1(math.tan),
    "exp": _math1(math.exp),
    "log": _log(math.log),
    "log2": _log(math.log2),
    "log10": _log(math.log10),
    "pow": _pow,
    "copysign": math.copysign,
    "sadd_overflow": lambda t, a, b: _checked(t, a + b),
    "ssub_overflow": lambda t, a, b: _checked(t, a - b),
    "smul_overflow": lambda t, a, b: _checked(t, a * b),
}
