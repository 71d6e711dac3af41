"""Lowering of expressions: arithmetic with Python's semantics, comparisons, truth, containers."""

from __future__ import annotations

import ast

from pyvm.frontend.errors import unsupported
from pyvm.frontend.types import (BOOL, FLOAT, INT, NONE, PID, RANGE, STR, DictT, DictViewT, FnRefT, ListT, TupleT,
                                 Type, kir_type)
from pyvm.kir import NULL, Const, i1, i64
from pyvm.kir.types import F64, I1, I64, PTR, VOID

INT_MIN = -(1 << 63)
LIST_LEN, LIST_CAP, LIST_ITEMS = 16, 24, 32  # runtime/core/list.h: compiled code reads these directly
TUPLE_ITEMS = 24  # runtime/core/tuple.h: the slots follow the length inline


def to_slot(b, v, t: Type):
    """A value of type t as the runtime's 8-byte container slot (i64), emitted with builder b."""
    t = t.prune()
    if t in (INT, PID):
        return v
    if t == FLOAT:
        return b.cast("BITCAST", v, I64)
    if t == BOOL:
        return b.cast("ZEXT", v, I64)
    if t == NONE:
        return i64(0)
    return b.cast("PTR2INT", v, I64)


def from_slot(b, s, t: Type):
    """The value of type t a container slot holds (None for None)."""
    t = t.prune()
    if t in (INT, PID):
        return s
    if t == FLOAT:
        return b.cast("BITCAST", s, F64)
    if t == BOOL:
        return b.cast("TRUNC", s, I1)
    if t == NONE:
        return None
    return b.cast("INT2PTR", s, PTR)


class ExprLowering:
    # ---- entry -----------------------------------------------------------------------------------

    def value(self, node: ast.expr):
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise unsupported(self.source, node, f"{type(node).__name__} expressions")
        return method(node)

    def temp(self, t: Type):
        """A stack slot for a value computed on several paths (mem2reg turns it into a PHI)."""
        return self.b.alloca(8, 8, "tmp")

    # ---- slots and conversions -------------------------------------------------------------------

    def to_slot(self, v, t: Type):
        """A value as the runtime's 8-byte container slot (i64)."""
        return to_slot(self.b, v, t)

    def from_slot(self, s, t: Type):
        return from_slot(self.b, s, t)

    def coerce(self, v, frm: Type, to: Type):
        frm, to = frm.prune(), to.prune()
        if frm == to or v is None:
            return v
        if frm == BOOL and to == INT:
            return self.b.cast("ZEXT", v, I64)
        if frm in (INT, BOOL) and to == FLOAT:
            if frm == BOOL:
                v = self.b.cast("ZEXT", v, I64)
            return self.b.cast("SITOFP", v, F64)
        return v

    # ---- leaves ----------------------------------------------------------------------------------

    def expr_Constant(self, node: ast.Constant):
        v = node.value
        if isinstance(v, bool):
            return i1(v)
        if isinstance(v, int):
            return i64(v)
        if isinstance(v, float):
            return Const(F64, v)
        if isinstance(v, str):
            return self.string(v)
        return None

    def expr_Name(self, node: ast.Name):
        return self.load_var(node.id, node)

    def expr_Attribute(self, node: ast.Attribute):
        base = self.type(node.value).prune()
        from pyvm.frontend.types import ModuleT
        if isinstance(base, ModuleT):
            target = base.module
            if target == "math":
                return self.load_nonlocal_name_math(node.attr)
            kind_t = self.type(node)
            if isinstance(kind_t.prune(), FnRefT):
                from pyvm.frontend.infer import _module_function
                return self.function_value(node, _module_function(target, node.attr), NULL)
            minst = self.p.checker.module_instances[id(target)]
            kt = kir_type(kind_t)
            if kt == VOID:
                return None
            return self.b.load(kt, self.p.global_slot(minst, node.attr), hint=node.attr)
        raise unsupported(self.source, node, "attributes")

    def load_nonlocal_name_math(self, attr: str):
        import math
        return Const(F64, {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan, "tau": math.tau}[attr])

    def expr_Lambda(self, node: ast.Lambda):
        info = self.func.inner[id(node)]
        return self.function_value(node, info, self.closure_value(info))

    # ---- arithmetic ------------------------------------------------------------------------------

    def expr_BinOp(self, node: ast.BinOp):
        left = self.value(node.left)
        right = self.value(node.right)
        return self.binop(node.op, left, self.type(node.left), right, self.type(node.right), node)

    def binop(self, op: ast.operator, a, at: Type, b, bt: Type, node=None):
        name = type(op).__name__
        at, bt = at.prune(), bt.prune()
        numeric = (INT, FLOAT, BOOL)
        if at in numeric and bt in numeric:
            if name == "Div" and FLOAT not in (at, bt):  # int / int, correctly rounded as CPython does
                return self.rt("pyvm_int_truediv", [self.coerce(a, at, INT), self.coerce(b, bt, INT)], F64)
            if FLOAT in (at, bt):
                return self.float_binop(name, self.coerce(a, at, FLOAT), self.coerce(b, bt, FLOAT))
            if name in ("BitAnd", "BitOr", "BitXor") and at == bt == BOOL:
                return self.b.binary({"BitAnd": "AND", "BitOr": "OR", "BitXor": "XOR"}[name], a, b)
            a, b = self.coerce(a, at, INT), self.coerce(b, bt, INT)
            right = getattr(node, "right", None)
            if name == "Pow" and isinstance(right, ast.UnaryOp) and isinstance(right.op, ast.USub):
                # a negative literal exponent: inference typed the result float, as Python computes it
                return self.rt("pyvm_float_pow", [self.coerce(a, INT, FLOAT), self.coerce(b, INT, FLOAT)], F64)
            return self.int_binop(name, a, b)
        if name == "Add" and at == STR:
            return self.rt("pyvm_str_concat", [a, b], PTR)
        if name == "Add" and isinstance(at, ListT):
            return self.rt("pyvm_list_concat", [a, b], PTR)
        if name == "Add" and isinstance(at, TupleT):
            return self.tuple_concat(a, at, b, bt)
        if name == "Mult":
            seq, count, st = (a, self.coerce(b, bt, INT), at) if at == STR or isinstance(at, ListT) \
                else (b, self.coerce(a, at, INT), bt)
            if st == STR:
                return self.rt("pyvm_str_repeat", [seq, count], PTR)
            return self.rt("pyvm_list_repeat", [seq, count], PTR)
        raise unsupported(self.source, node, f"the operator {name} on {at} and {bt}")

    def checked(self, intrinsic: str, a, b):
        overflow = self.b.intrinsic(intrinsic, [a, b], I1, "ovf")
        self.fail_if(overflow, "OverflowError", "integer overflow (PyVM ints are 64-bit)")

    def int_binop(self, name: str, a, b):
        bld = self.b
        if name == "Add":
            self.checked("sadd_overflow", a, b)
            return bld.binary("ADD", a, b)
        if name == "Sub":
            self.checked("ssub_overflow", a, b)
            return bld.binary("SUB", a, b)
        if name == "Mult":
            self.checked("smul_overflow", a, b)
            return bld.binary("MUL", a, b)
        if name in ("FloorDiv", "Mod"):
            zero = bld.icmp("eq", b, i64(0))
            self.fail_if(zero, "ZeroDivisionError",
                         "integer division or modulo by zero" if name == "FloorDiv" else "integer modulo by zero")
            if name == "FloorDiv":
                is_min = bld.icmp("eq", a, i64(INT_MIN))
                minus_one = bld.icmp("eq", b, i64(-1))
                self.fail_if(bld.binary("AND", is_min, minus_one), "OverflowError",
                             "integer overflow (PyVM ints are 64-bit)")
            else:  # INT_MIN % -1 is 0 in Python; avoid the trap of the machine remainder
                minus_one = bld.icmp("eq", b, i64(-1))
                b = bld.emit("SELECT", [minus_one, i64(1), b], I64, "d")
            q = bld.binary("DIV", a, b, "q")
            r = bld.binary("REM", a, b, "r")
            # Python floors: when the remainder is non-zero and its sign differs from the divisor's,
            # step the quotient down and the remainder over by one divisor.
            r_nonzero = bld.icmp("ne", r, i64(0))
            signs_differ = bld.icmp("slt", bld.binary("XOR", r, b), i64(0))
            adjust = bld.binary("AND", r_nonzero, signs_differ, "adj")
            if name == "FloorDiv":
                return bld.binary("SUB", q, bld.cast("ZEXT", adjust, I64), "fq")
            return bld.emit("SELECT", [adjust, bld.binary("ADD", r, b), r], I64, "fm")
        if name == "Pow":
            return self.rt("pyvm_int_pow", [a, b], I64)
        if name in ("BitAnd", "BitOr", "BitXor"):
            return bld.binary({"BitAnd": "AND", "BitOr": "OR", "BitXor": "XOR"}[name], a, b)
        if name == "LShift":
            return self.rt("pyvm_int_lshift", [a, b], I64)
        if name == "RShift":
            negative = bld.icmp("slt", b, i64(0))
            self.fail_if(negative, "ValueError", "negative shift count")
            big = bld.icmp("sgt", b, i64(63))
            amount = bld.emit("SELECT", [big, i64(63), b], I64, "sh")
            return bld.binary("SHR", a, amount)
        raise AssertionError(name)

    def float_binop(self, name: str, a, b):
        bld = self.b
        if name in ("Add", "Sub", "Mult"):
            return bld.binary({"Add": "ADD", "Sub": "SUB", "Mult": "MUL"}[name], a, b)
        if name == "Div":
            zero = bld.fcmp("oeq", b, Const(F64, 0.0))
            self.fail_if(zero, "ZeroDivisionError", "float division by zero")
            return bld.binary("DIV", a, b)
        if name == "FloorDiv":
            return self.rt("pyvm_float_floordiv", [a, b], F64)
        if name == "Mod":
            return self.rt("pyvm_float_mod", [a, b], F64)
        if name == "Pow":
            return self.rt("pyvm_float_pow", [a, b], F64)
        raise unsupported(self.source, None, f"the operator {name} on floats")

    def expr_UnaryOp(self, node: ast.UnaryOp):
        v = self.value(node.operand)
        t = self.type(node.operand).prune()
        op = type(node.op).__name__
        if op == "Not":
            return self.b.binary("XOR", self.truthy(v, t), i1(True))
        if t == BOOL:
            v, t = self.coerce(v, BOOL, INT), INT
        if op == "UAdd":
            return v
        if op == "USub":
            if t == FLOAT:
                return self.b.emit("NEG", [v], F64, "neg")
            self.fail_if(self.b.icmp("eq", v, i64(INT_MIN)), "OverflowError",
                         "integer overflow (PyVM ints are 64-bit)")
            return self.b.emit("NEG", [v], I64, "neg")
        if op == "Invert":
            return self.b.emit("NOT", [v], I64, "inv")
        raise AssertionError(op)

    # ---- truth and control -----------------------------------------------------------------------

    def truthy(self, v, t: Type):
        t = t.prune()
        if t == BOOL:
            return v
        if t == INT:
            return self.b.icmp("ne", v, i64(0))
        if t == FLOAT:
            return self.b.fcmp("une", v, Const(F64, 0.0))
        if t == NONE:
            return i1(False)
        length = self.length(v, t)
        return self.b.icmp("ne", length, i64(0))

    def branch(self, node: ast.expr, yes, no) -> None:
        """Jump on a condition, short-circuiting and/or/not without materialising booleans."""
        if isinstance(node, ast.BoolOp):
            for i, v in enumerate(node.values):
                if i == len(node.values) - 1:
                    self.branch(v, yes, no)
                else:
                    nxt = self.new_block("and" if isinstance(node.op, ast.And) else "or")
                    if isinstance(node.op, ast.And):
                        self.branch(v, nxt, no)
                    else:
                        self.branch(v, yes, nxt)
                    self.b.position_at_end(nxt)
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.branch(node.operand, no, yes)
            return
        cond = self.truthy(self.value(node), self.type(node))
        self.b.jump_if(cond, yes, no)

    def expr_BoolOp(self, node: ast.BoolOp):
        t = self.type(node)
        kt = kir_type(t)
        slot = self.temp(t) if kt != VOID else None
        done = self.new_block("boolop")
        for i, v in enumerate(node.values):
            value = self.coerce(self.value(v), self.type(v), t)
            if slot is not None:
                self.b.store(value, slot)
            if i == len(node.values) - 1:
                self.b.jump(done)
                break
            nxt = self.new_block("next")
            truth = self.truthy(value, t)
            if isinstance(node.op, ast.And):
                self.b.jump_if(truth, nxt, done)
            else:
                self.b.jump_if(truth, done, nxt)
            self.b.position_at_end(nxt)
        self.b.position_at_end(done)
        return self.b.load(kt, slot, hint="bool") if slot is not None else None

    def expr_IfExp(self, node: ast.IfExp):
        t = self.type(node)
        kt = kir_type(t)
        slot = self.temp(t) if kt != VOID else None
        yes, no, done = self.new_block("ifx"), self.new_block("elsex"), self.new_block("endx")
        self.branch(node.test, yes, no)
        for block, branch in ((yes, node.body), (no, node.orelse)):
            self.b.position_at_end(block)
            value = self.coerce(self.value(branch), self.type(branch), t)
            if slot is not None:
                self.b.store(value, slot)
            self.b.jump(done)
        self.b.position_at_end(done)
        return self.b.load(kt, slot, hint="ifx") if slot is not None else None

    # ---- comparisons -----------------------------------------------------------------------------

    def expr_Compare(self, node: ast.Compare):
        left, lt = self.value(node.left), self.type(node.left)
        if len(node.ops) == 1:
            return self.compare(node.ops[0], left, lt, self.value(node.comparators[0]),
                                self.type(node.comparators[0]))
        slot = self.temp(BOOL)
        done = self.new_block("cmpdone")
        for i, (op, comp) in enumerate(zip(node.ops, node.comparators)):
            right, rt = self.value(comp), self.type(comp)
            result = self.compare(op, left, lt, right, rt)
            self.b.store(result, slot)
            if i == len(node.ops) - 1:
                self.b.jump(done)
            else:
                nxt = self.new_block("cmpnext")
                self.b.jump_if(result, nxt, done)
                self.b.position_at_end(nxt)
            left, lt = right, rt
        self.b.position_at_end(done)
        return self.b.load(I1, slot, hint="cmp")

    def compare(self, op: ast.cmpop, a, at: Type, b, bt: Type):
        name = type(op).__name__
        at, bt = at.prune(), bt.prune()
        special = self.dyn_compare(name, a, at, b, bt)
        if special is not None:
            return special
        if name in ("Is", "IsNot"):
            same = at == bt == NONE
            return i1(same if name == "Is" else not same)
        if name in ("In", "NotIn"):
            from pyvm.frontend.infer import _disjoint
            if isinstance(bt, DictT) and _disjoint(at, bt.key) or isinstance(bt, ListT) and _disjoint(at, bt.elem):
                return i1(name == "NotIn")
            found = self.contains(b, bt, a, at)
            return found if name == "In" else self.b.binary("XOR", found, i1(True))
        numeric = (INT, FLOAT, BOOL)
        if at in numeric and bt in numeric:
            if FLOAT in (at, bt):
                cond = {"Eq": "oeq", "NotEq": "une", "Lt": "olt", "LtE": "ole", "Gt": "ogt", "GtE": "oge"}[name]
                return self.b.fcmp(cond, self.coerce(a, at, FLOAT), self.coerce(b, bt, FLOAT))
            if at == bt == BOOL:
                a, b = self.coerce(a, BOOL, INT), self.coerce(b, BOOL, INT)
            else:
                a, b = self.coerce(a, at, INT), self.coerce(b, bt, INT)
            cond = {"Eq": "eq", "NotEq": "ne", "Lt": "slt", "LtE": "sle", "Gt": "sgt", "GtE": "sge"}[name]
            return self.b.icmp(cond, a, b)
        if name in ("Eq", "NotEq"):
            from pyvm.frontend.infer import _disjoint
            if _disjoint(at, bt):
                return i1(name == "NotEq")
            if at == STR:
                eq = self.rt("pyvm_str_eq", [a, b], I1)
            elif at == NONE:
                eq = i1(True)
            else:
                eq = self.rt("pyvm_value_eq", [self.descriptor(at), self.to_slot(a, at), self.to_slot(b, bt)], I1)
            return eq if name == "Eq" else self.b.binary("XOR", eq, i1(True))
        if at == STR:
            order = self.rt("pyvm_str_compare", [a, b], I64)
        else:
            order = self.rt("pyvm_value_compare", [self.descriptor(at), self.to_slot(a, at), self.to_slot(b, bt)], I64)
        cond = {"Lt": "slt", "LtE": "sle", "Gt": "sgt", "GtE": "sge"}[name]
        return self.b.icmp(cond, order, i64(0))

    def contains(self, container, ct: Type, item, it: Type):
        ct = ct.prune()
        if ct == STR:
            return self.rt("pyvm_str_contains", [container, item], I1)
        if isinstance(ct, ListT):
            return self.rt("pyvm_list_contains", [container, self.to_slot(self.coerce(item, it, ct.elem), ct.elem)], I1)
        if isinstance(ct, DictT):
            return self.rt("pyvm_dict_contains", [container, self.to_slot(item, ct.key)], I1)
        if isinstance(ct, DictViewT):
            return self.contains(container, ct.dict, item, it)
        if isinstance(ct, TupleT):
            return self.rt("pyvm_tuple_contains", [container, self.to_slot(item, ct.items[0])], I1)
        if ct == RANGE:
            return self.range_contains(container, item)
        raise unsupported(self.source, None, f"'in' on {ct}")

    # ---- strings ---------------------------------------------------------------------------------

    def to_str(self, v, t: Type):
        t = t.prune()
        if t == STR:
            return v
        if t == INT:
            return self.rt("pyvm_int_to_str", [v], PTR)
        if t == FLOAT:
            return self.rt("pyvm_float_repr", [v], PTR)
        if t == BOOL:
            return self.rt("pyvm_bool_to_str", [v], PTR)
        if t == NONE:
            return self.string("None")
        return self.rt("pyvm_to_str", [self.descriptor(t), self.to_slot(v, t)], PTR)

    def repr_of(self, v, t: Type):
        t = t.prune()
        if t == STR:
            return self.rt("pyvm_str_repr", [v], PTR)
        if t in (INT, FLOAT, BOOL, NONE):
            return self.to_str(v, t)
        return self.rt("pyvm_repr", [self.descriptor(t), self.to_slot(v, t)], PTR)

    def expr_JoinedStr(self, node: ast.JoinedStr):
        result = None
        for part in node.values:
            if isinstance(part, ast.Constant):
                piece = self.string(part.value)
            else:
                piece = self.formatted(part)
            result = piece if result is None else self.rt("pyvm_str_concat", [result, piece], PTR)
        return result if result is not None else self.string("")

    def formatted(self, part: ast.FormattedValue):
        v, t = self.value(part.value), self.type(part.value).prune()
        if part.conversion == ord("r"):
            v, t = self.repr_of(v, t), STR
        elif part.conversion == ord("s"):
            v, t = self.to_str(v, t), STR
        if part.format_spec is None:
            return self.to_str(v, t)
        spec = self.value(part.format_spec)
        fn = {INT: "pyvm_format_int", FLOAT: "pyvm_format_float", STR: "pyvm_format_str",
              BOOL: "pyvm_format_bool"}.get(t)
        if fn is None:
            raise unsupported(self.source, part, f"format specs on {t}")
        return self.rt(fn, [v, spec], PTR)

    # ---- containers ------------------------------------------------------------------------------

    def length(self, v, t: Type):
        t = t.prune()
        if t == STR:
            return self.rt("pyvm_str_len", [v], I64, ("readonly",))
        if isinstance(t, ListT):
            return self.list_len(v)
        if isinstance(t, DictT):
            return self.rt("pyvm_dict_len", [v], I64, ("readonly",))
        if isinstance(t, DictViewT):
            return self.length(v, t.dict)
        if isinstance(t, TupleT):
            return i64(len(t.items))
        if t == RANGE:
            return self.range_len(v)
        raise unsupported(self.source, None, f"len() of {t}")

    def list_len(self, lst):
        return self.b.load(I64, self.b.gep(lst, i64(0), 1, LIST_LEN, "lenp"), hint="len")

    def list_item_ptr(self, lst, index, message: str):
        """&lst[index] with Python's negative indices and CPython's IndexError, inline (list.h layout)."""
        b = self.b
        n = self.list_len(lst)
        if isinstance(index, Const) and index.value >= 0:
            adjusted = index
        else:
            negative = b.icmp("slt", index, i64(0))
            adjusted = b.emit("SELECT", [negative, b.binary("ADD", index, n), index], I64, "ix")
        self.fail_if(b.icmp("uge", adjusted, n), "IndexError", message)
        items = b.load(PTR, b.gep(lst, i64(0), 1, LIST_ITEMS, "itemsp"), hint="items")
        return b.gep(items, adjusted, 8, 0, "slotp")

    def list_item_unchecked(self, lst, index):
        """lst[index] for 0 <= index < len (iteration)."""
        items = self.b.load(PTR, self.b.gep(lst, i64(0), 1, LIST_ITEMS, "itemsp"), hint="items")
        return self.b.load(I64, self.b.gep(items, index, 8, 0, "slotp"), hint="slot")

    def list_append(self, lst, slot) -> None:
        """lst.append: store in place while there is capacity, else the runtime grows the array."""
        b = self.b
        n = self.list_len(lst)
        cap = b.load(I64, b.gep(lst, i64(0), 1, LIST_CAP, "capp"), hint="cap")
        fast, slow, done = self.new_block("append"), self.new_block("grow"), self.new_block("appended")
        b.jump_if(b.icmp("slt", n, cap), fast, slow)
        b.position_at_end(fast)
        items = b.load(PTR, b.gep(lst, i64(0), 1, LIST_ITEMS, "itemsp"), hint="items")
        b.store(slot, b.gep(items, n, 8, 0, "slotp"))
        b.store(b.binary("ADD", n, i64(1)), b.gep(lst, i64(0), 1, LIST_LEN, "lenp"))
        b.jump(done)
        b.position_at_end(slow)
        self.rt("pyvm_list_append", [lst, slot])
        b.jump(done)
        b.position_at_end(done)

    def list_pop(self, lst):
        """lst.pop(): the last item, inline; IndexError on an empty list as CPython."""
        b = self.b
        n = self.list_len(lst)
        self.fail_if(b.icmp("sle", n, i64(0)), "IndexError", "pop from empty list")
        last = b.binary("SUB", n, i64(1))
        b.store(last, b.gep(lst, i64(0), 1, LIST_LEN, "lenp"))
        items = b.load(PTR, b.gep(lst, i64(0), 1, LIST_ITEMS, "itemsp"), hint="items")
        return b.load(I64, b.gep(items, last, 8, 0, "slotp"), hint="slot")

    def tuple_get(self, tup, index):
        """tup[i] for 0 <= i < len (runtime/core/tuple.h: items inline at 24)."""
        return self.b.load(I64, self.b.gep(tup, index, 8, TUPLE_ITEMS, "slotp"), hint="slot")

    def tuple_set(self, tup, index, slot) -> None:
        self.b.store(slot, self.b.gep(tup, index, 8, TUPLE_ITEMS, "slotp"))

    def new_list(self, elem: Type, length):
        return self.rt("pyvm_list_new", [self.descriptor(ListT(elem)), length], PTR)

    def expr_List(self, node: ast.List):
        t = self.type(node).prune()
        lst = self.new_list(t.elem, i64(0))
        for e in node.elts:
            self.list_append(lst, self.to_slot(self.coerce(self.value(e), self.type(e), t.elem), t.elem))
        return lst

    def expr_Tuple(self, node: ast.Tuple):
        t = self.type(node).prune()
        tup = self.rt("pyvm_tuple_new", [self.descriptor(t), i64(len(node.elts))], PTR)
        for i, (e, et) in enumerate(zip(node.elts, t.items)):
            self.tuple_set(tup, i64(i), self.to_slot(self.value(e), et))
        return tup

    def expr_Dict(self, node: ast.Dict):
        t = self.type(node).prune()
        d = self.rt("pyvm_dict_new", [self.descriptor(t)], PTR)
        for k, v in zip(node.keys, node.values):
            self.rt("pyvm_dict_set", [d, self.to_slot(self.value(k), t.key), self.to_slot(self.value(v), t.value)])
        return d

    def tuple_concat(self, a, at: TupleT, b, bt: TupleT):
        rt_t = TupleT(at.items + bt.items)
        tup = self.rt("pyvm_tuple_new", [self.descriptor(rt_t), i64(len(rt_t.items))], PTR)
        for i in range(len(at.items)):
            self.tuple_set(tup, i64(i), self.tuple_get(a, i64(i)))
        for j in range(len(bt.items)):
            self.tuple_set(tup, i64(len(at.items) + j), self.tuple_get(b, i64(j)))
        return tup

    def expr_Subscript(self, node: ast.Subscript):
        container, ct = self.value(node.value), self.type(node.value).prune()
        if isinstance(node.slice, ast.Slice):
            return self.slice(container, ct, node.slice)
        index = self.value(node.slice)
        return self.subscript_get(container, ct, index, self.type(node.slice), node)

    def subscript_get(self, container, ct: Type, index, it: Type, node):
        ct = ct.prune()
        if ct == STR:
            return self.rt("pyvm_str_getitem", [container, self.coerce(index, it, INT)], PTR)
        if isinstance(ct, ListT):
            ptr = self.list_item_ptr(container, self.coerce(index, it, INT), "list index out of range")
            return self.from_slot(self.b.load(I64, ptr, hint="slot"), ct.elem)
        if isinstance(ct, DictT):
            slot = self.rt("pyvm_dict_get", [container, self.to_slot(index, ct.key)], I64)
            return self.from_slot(slot, ct.value)
        if isinstance(ct, TupleT):
            from pyvm.frontend.infer import _constant_int
            position = _constant_int(node.slice) if node is not None and hasattr(node, "slice") else None
            if position is not None:
                position %= len(ct.items)
                return self.from_slot(self.tuple_get(container, i64(position)),
                                      ct.items[position])
            slot = self.rt("pyvm_tuple_getitem", [container, self.coerce(index, it, INT)], I64)
            return self.from_slot(slot, ct.items[0])
        raise unsupported(self.source, node, f"indexing {ct}")

    def subscript_set(self, container, ct: Type, index, it: Type, value) -> None:
        ct = ct.prune()
        if isinstance(ct, ListT):
            slot = self.to_slot(value, ct.elem)
            ptr = self.list_item_ptr(container, self.coerce(index, it, INT), "list assignment index out of range")
            self.b.store(slot, ptr)
        elif isinstance(ct, DictT):
            self.rt("pyvm_dict_set", [container, self.to_slot(index, ct.key), self.to_slot(value, ct.value)])
        else:
            raise unsupported(self.source, None, f"item assignment on {ct}")

    def slice(self, container, ct: Type, s: ast.Slice):
        flags = 0
        parts = []
        for i, part in enumerate((s.lower, s.upper, s.step)):
            if part is None:
                flags |= 1 << i
                parts.append(i64(0))
            else:
                parts.append(self.coerce(self.value(part), self.type(part), INT))
        fn = "pyvm_str_slice" if ct == STR else "pyvm_list_slice"
        return self.rt(fn, [container, *parts, i64(flags)], PTR)

    def unpack(self, target, value, t: Type) -> None:
        t = t.prune()
        n = len(target.elts)
        if isinstance(t, TupleT):
            items = [self.from_slot(self.tuple_get(value, i64(i)), it) for i, it in enumerate(t.items)]
            types = list(t.items)
        else:  # a list: exactly n items or ValueError, as CPython
            length = self.list_len(value)
            self.fail_if(self.b.icmp("slt", length, i64(n)), "ValueError",
                         f"not enough values to unpack (expected {n})")
            self.fail_if(self.b.icmp("sgt", length, i64(n)), "ValueError", f"too many values to unpack (expected {n})")
            items = [self.from_slot(self.list_item_unchecked(value, i64(i)), t.elem) for i in range(n)]
            types = [t.elem] * n
        for elt, item, it in zip(target.elts, items, types):
            self.assign(elt, item, it)

    def assign_item(self, target, value, t) -> None:
        """Assign one iteration item: a KIR value, or a `Parts` tuple that was never built."""
        from pyvm.frontend.lower_iter import Parts
        if isinstance(value, Parts):
            if isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(value.values):
                for elt, v, vt in zip(target.elts, value.values, value.types):
                    self.assign_item(elt, v, vt)
                return
            value = self.build_tuple(value)
        if isinstance(target, ast.Name):
            self.store_var(target.id, value)
        else:
            self.assign(target, value, t if t is not None else self.type(target))

    def build_tuple(self, parts):
        t = TupleT(tuple(parts.types))
        tup = self.rt("pyvm_tuple_new", [self.descriptor(t), i64(len(parts.values))], PTR)
        for i, (v, vt) in enumerate(zip(parts.values, parts.types)):
            if isinstance(v, type(parts)):
                v = self.build_tuple(v)
            self.tuple_set(tup, i64(i), self.to_slot(v, vt))
        return tup

    # ---- comprehensions --------------------------------------------------------------------------

    def expr_ListComp(self, node: ast.ListComp):
        t = self.type(node).prune()
        result = self.new_list(t.elem, i64(0))

        def body():
            v = self.coerce(self.value(node.elt), self.type(node.elt), t.elem)  # noqa: the element
            self.list_append(result, self.to_slot(v, t.elem))
        self.comprehension(node, body)
        return result

    def expr_DictComp(self, node: ast.DictComp):
        t = self.type(node).prune()
        result = self.rt("pyvm_dict_new", [self.descriptor(t)], PTR)

        def body():
            k = self.to_slot(self.value(node.key), t.key)
            v = self.to_slot(self.value(node.value), t.value)
            self.rt("pyvm_dict_set", [result, k, v])
        self.comprehension(node, body)
        return result

    def comprehension(self, node, body) -> None:
        renames = self.func.comp_renames[id(node)]
        generators = node.generators

        def level(i: int) -> None:
            if i == len(generators):
                body()
                return
            gen = generators[i]

            def each(value):
                self.assign_item(gen.target, value, None)
                skip = None
                for cond in gen.ifs:
                    yes, no = self.new_block("if"), self.new_block("skip")
                    self.branch(cond, yes, no)
                    self.b.position_at_end(no)
                    if skip is None:
                        skip = self.loops[-1].continue_block
                    self.b.jump(skip)
                    self.b.position_at_end(yes)
                level(i + 1)
            if i == 0:  # the first iterable is evaluated outside the comprehension's scope
                source = self.value(gen.iter)
                self.renames.append(renames)
                try:
                    self.for_each_value(source, self.type(gen.iter), each, [])
                finally:
                    self.renames.pop()
            else:
                self.for_each(gen.iter, each, [])
        level(0)
