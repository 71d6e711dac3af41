"""Lowering of iteration: for loops and comprehensions over range, list, str, tuple, dict (and its
views), enumerate, zip and reversed, without building intermediate lists or tuples.

Each iterable becomes a small state machine over stack slots (init / has_next / item / advance);
enumerate, zip and dict.items() produce `Parts`, a tuple that is only built when the target is not
a matching tuple pattern.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyvm.frontend.errors import unsupported
from pyvm.frontend.types import INT, RANGE, STR, DictT, DictViewT, IterT, ListT, TupleT, Type
from pyvm.kir import i64
from pyvm.kir.types import I1, I64, PTR


@dataclass
class Parts:
    values: list
    types: list


class IterLowering:
    def for_each(self, iter_node, each, orelse) -> None:
        self.for_each_value(self.value(iter_node), self.type(iter_node), each, orelse)

    def for_each_value(self, source, t: Type, each, orelse) -> None:
        from pyvm.frontend.lower_function import Loop
        it = self.iterator(source, t.prune())
        head, body, step = self.new_block("for"), self.new_block("body"), self.new_block("next")
        orelse_block, done = self.new_block("forelse"), self.new_block("endfor")
        self.goto(head)
        self.b.jump_if(it.has_next(), body, orelse_block)
        self.b.position_at_end(body)
        item = it.item()
        self.loops.append(Loop(step, done))
        each(item)
        self.loops.pop()
        self.goto(step)
        it.advance()
        self.rt_safepoint()
        self.b.jump(head)
        self.b.position_at_end(orelse_block)
        if orelse:
            self.block(orelse)
        self.goto(done)

    def iterator(self, source, t: Type):
        if t == RANGE:
            return RangeIter(self, source)
        if isinstance(t, ListT):
            return IndexIter(self, source, t.elem, "list")
        if t == STR:
            return IndexIter(self, source, STR, "str")
        if isinstance(t, TupleT):
            return IndexIter(self, source, t.items[0], "tuple")
        if isinstance(t, DictT):
            return DictIter(self, source, t, "keys")
        if isinstance(t, DictViewT):
            return DictIter(self, source, t.dict.prune(), t.kind)
        if isinstance(t, IterT):
            if t.kind == "enumerate":
                return EnumerateIter(self, source)
            if t.kind == "zip":
                return ZipIter(self, source)
            if t.kind == "reversed":
                return ReversedIter(self, source, t.sources[0].prune())
        raise unsupported(self.source, None, f"iterating over {t}")

    # ---- ranges ----------------------------------------------------------------------------------

    def range_len(self, r):
        return self.rt("pyvm_range_len", [r.start, r.stop, r.step], I64)

    def range_contains(self, r, item):
        return self.rt("pyvm_range_contains", [r.start, r.stop, r.step, item], I1)

    def to_list(self, v, t: Type):
        """A new list holding the items of any iterable (a copy when it already is a list)."""
        t = t.prune()
        if isinstance(t, ListT):
            return self.rt("pyvm_list_copy", [v], PTR)
        item_t = _item_type(self, t)
        result = self.new_list(item_t, i64(0))

        def each(value):
            if isinstance(value, Parts):
                value = self.build_tuple(value)
            self.list_append(result, self.to_slot(value, item_t))
        self.for_each_value(v, t, each, [])
        return result


class RangeValue:
    """range(...) has no heap object: its three bounds travel as KIR values."""

    def __init__(self, start, stop, step):
        self.start, self.stop, self.step = start, stop, step


class RangeIter:
    def __init__(self, lo, r: RangeValue):
        self.lo, self.r = lo, r
        b = lo.b
        self.cur = b.alloca(8, 8, "i")
        b.store(r.start, self.cur)

    def has_next(self):
        b, r = self.lo.b, self.r
        cur = b.load(I64, self.cur, hint="i")
        from pyvm.kir import Const
        if isinstance(r.step, Const):
            return b.icmp("slt" if r.step.value > 0 else "sgt", cur, r.stop)
        up = b.icmp("sgt", r.step, i64(0))
        below = b.icmp("slt", cur, r.stop)
        above = b.icmp("sgt", cur, r.stop)
        return b.emit("SELECT", [up, below, above], I1, "more")

    def item(self):
        return self.lo.b.load(I64, self.cur, hint="i")

    def advance(self):
        b = self.lo.b
        b.store(b.binary("ADD", b.load(I64, self.cur, hint="i"), self.r.step), self.cur)


class IndexIter:
    """list, str and tuple: an index from 0; a list's length is re-read each step, as CPython does."""

    def __init__(self, lo, seq, item_t: Type, kind: str):
        self.lo, self.seq, self.item_t, self.kind = lo, seq, item_t, kind
        b = lo.b
        self.index = b.alloca(8, 8, "idx")
        b.store(i64(0), self.index)
        if kind == "str":
            self.length = lo.rt("pyvm_str_len", [seq], I64, ("readonly",))
        elif kind == "tuple":
            self.length = lo.rt("pyvm_tuple_len", [seq], I64, ("readonly",))

    def has_next(self):
        b = self.lo.b
        length = self.lo.list_len(self.seq) if self.kind == "list" else self.length
        return b.icmp("slt", b.load(I64, self.index, hint="idx"), length)

    def item(self):
        lo = self.lo
        idx = lo.b.load(I64, self.index, hint="idx")
        if self.kind == "str":
            return lo.rt("pyvm_str_char_at", [self.seq, idx], PTR)
        if self.kind == "list":
            return lo.from_slot(lo.list_item_unchecked(self.seq, idx), self.item_t)
        return lo.from_slot(lo.tuple_get(self.seq, idx), self.item_t)

    def advance(self):
        b = self.lo.b
        b.store(b.binary("ADD", b.load(I64, self.index, hint="idx"), i64(1)), self.index)


class ReversedIter:
    def __init__(self, lo, seq, t: Type):
        self.lo, self.seq, self.t = lo, seq, t
        b = lo.b
        self.index = b.alloca(8, 8, "ridx")
        if t == RANGE:
            n = lo.range_len(seq)
        else:
            n = lo.length(seq, t)
        b.store(b.binary("SUB", n, i64(1)), self.index)

    def has_next(self):
        b = self.lo.b
        return b.icmp("sge", b.load(I64, self.index, hint="ridx"), i64(0))

    def item(self):
        lo, t = self.lo, self.t
        idx = lo.b.load(I64, self.index, hint="ridx")
        if t == RANGE:
            return lo.b.binary("ADD", self.seq.start, lo.b.binary("MUL", idx, self.seq.step))
        if t == STR:
            return lo.rt("pyvm_str_char_at", [self.seq, idx], PTR)
        if isinstance(t, ListT):
            return lo.from_slot(lo.list_item_unchecked(self.seq, idx), t.elem)
        return lo.from_slot(lo.tuple_get(self.seq, idx), t.items[0])

    def advance(self):
        b = self.lo.b
        b.store(b.binary("SUB", b.load(I64, self.index, hint="ridx"), i64(1)), self.index)


class DictIter:
    """Entries in insertion order: `pyvm_dict_next_item(d, &cursor, &key, &value)` (runtime/core/dict.h)
    writes the next live entry and advances the cursor; it returns 0 at the end."""

    def __init__(self, lo, d, t: DictT, kind: str):
        self.lo, self.d, self.t, self.kind = lo, d, t, kind
        b = lo.b
        self.cursor = b.alloca(8, 8, "cursor")
        self.key = b.alloca(8, 8, "key")
        self.value = b.alloca(8, 8, "value")
        b.store(i64(0), self.cursor)

    def has_next(self):
        lo = self.lo
        found = lo.rt("pyvm_dict_next_item", [self.d, self.cursor, self.key, self.value], I64)
        return lo.b.icmp("ne", found, i64(0))

    def item(self):
        lo, t = self.lo, self.t
        key = lambda: lo.from_slot(lo.b.load(I64, self.key, hint="k"), t.key)  # noqa: E731
        value = lambda: lo.from_slot(lo.b.load(I64, self.value, hint="v"), t.value)  # noqa: E731
        if self.kind == "keys":
            return key()
        if self.kind == "values":
            return value()
        return Parts([key(), value()], [t.key, t.value])

    def advance(self):
        pass  # pyvm_dict_next_item already moved the cursor


class EnumerateIter:
    def __init__(self, lo, source):
        self.lo = lo
        inner_value, inner_t, start = source
        self.inner = lo.iterator(inner_value, inner_t)
        self.item_t = _item_type(lo, inner_t)
        self.count = lo.b.alloca(8, 8, "count")
        lo.b.store(start, self.count)

    def has_next(self):
        return self.inner.has_next()

    def item(self):
        return Parts([self.lo.b.load(I64, self.count, hint="n"), self.inner.item()], [INT, self.item_t])

    def advance(self):
        b = self.lo.b
        b.store(b.binary("ADD", b.load(I64, self.count, hint="n"), i64(1)), self.count)
        self.inner.advance()


class ZipIter:
    def __init__(self, lo, sources):
        self.lo = lo
        self.inners = [lo.iterator(v, t) for v, t in sources]
        self.types = [_item_type(lo, t) for _, t in sources]

    def has_next(self):
        b = self.lo.b
        cond = None
        for inner in self.inners:
            c = inner.has_next()
            cond = c if cond is None else b.binary("AND", cond, c)
        return cond

    def item(self):
        return Parts([inner.item() for inner in self.inners], list(self.types))

    def advance(self):
        for inner in self.inners:
            inner.advance()


def _item_type(lo, t: Type) -> Type:
    from pyvm.frontend.infer import FunctionChecker
    from pyvm.frontend.types import resolve
    return resolve(FunctionChecker(lo.p.checker, lo.inst).item_of(t, None))
