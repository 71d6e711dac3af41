"""KIR's types: sized integers, IEEE floats, an untyped pointer, and void for calls without a result.

Every KIR value is one machine word or less; aggregates live in memory behind `ptr`. Language types
(str, list[int], closures, ...) are all `ptr` here: no backend ever needs to know what a list is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Type:
    name: str
    bits: int
    kind: str  # "int", "float", "ptr", "void"

    def __str__(self) -> str:
        return self.name

    @property
    def is_int(self) -> bool:
        return self.kind == "int"

    @property
    def is_float(self) -> bool:
        return self.kind == "float"

    @property
    def is_ptr(self) -> bool:
        return self.kind == "ptr"

    @property
    def size(self) -> int:
        """Bytes in memory (i1 occupies a byte)."""
        return max(1, self.bits // 8)

    # Integer helpers shared by the interpreter and constant folding: KIR keeps integers in their
    # signed two's-complement range, except i1, which is 0 or 1.
    def wrap(self, value: int) -> int:
        if self.bits == 1:
            return value & 1
        mask = (1 << self.bits) - 1
        value &= mask
        return value - (1 << self.bits) if value >> (self.bits - 1) else value

    def unsigned(self, value: int) -> int:
        return value & ((1 << self.bits) - 1)

    @property
    def min_signed(self) -> int:
        return 0 if self.bits == 1 else -(1 << (self.bits - 1))

    @property
    def max_signed(self) -> int:
        return 1 if self.bits == 1 else (1 << (self.bits - 1)) - 1


I1 = Type("i1", 1, "int")
I8 = Type("i8", 8, "int")
I16 = Type("i16", 16, "int")
I32 = Type("i32", 32, "int")
I64 = Type("i64", 64, "int")
F32 = Type("f32", 32, "float")
F64 = Type("f64", 64, "float")
PTR = Type("ptr", 64, "ptr")
VOID = Type("void", 0, "void")

TYPES: dict[str, Type] = {t.name: t for t in (I1, I8, I16, I32, I64, F32, F64, PTR, VOID)}
INT_TYPES = (I1, I8, I16, I32, I64)
FLOAT_TYPES = (F32, F64)
