"""Lowering of `match`: each case tests its pattern (jumping to the next case on failure), binds its
captures, checks its guard, runs its body; no case matching falls through, as in Python."""

from __future__ import annotations

import ast

from pyvm.frontend.infer_match import CLASS_PATTERNS, TAG_BOOL, TAG_NONE
from pyvm.frontend.types import BOOL, DYN, INT, NONE, PID, ListT, TupleT, Type
from pyvm.kir import i1, i64
from pyvm.kir.types import I1, I64, PTR


class MatchLowering:
    def stmt_Match(self, node: ast.Match) -> None:
        subject, st = self.value(node.subject), self.type(node.subject).prune()
        done = self.new_block("match_end")
        for case in node.cases:
            fail = self.new_block("case_next")
            self.test_pattern(case.pattern, subject, st, fail)
            if case.guard is not None:
                body = self.new_block("case_body")
                self.branch(case.guard, body, fail)
                self.b.position_at_end(body)
            self.block(case.body)
            if not self.b.terminated:
                self.b.jump(done)
            self.b.position_at_end(fail)
        self.goto(done)

    def _check(self, cond, fail) -> None:
        ok = self.new_block("pat_ok")
        self.b.jump_if(cond, ok, fail)
        self.b.position_at_end(ok)

    def test_pattern(self, p: ast.pattern, v, t: Type, fail) -> None:
        t = t.prune()
        b = self.b
        if isinstance(p, ast.MatchValue):
            lit, lt = self.value(p.value), self.type(p.value)
            if t == DYN:
                cond = self.rt("pyvm_dyn_eq", [v, self.descriptor(lt), self.to_slot(lit, lt)], I1)
            else:
                cond = self.compare(ast.Eq(), v, t, lit, lt)
            self._check(cond, fail)
        elif isinstance(p, ast.MatchSingleton):
            self._check(self.is_singleton(v, t, p.value), fail)
        elif isinstance(p, ast.MatchAs):
            if p.pattern is not None:
                self.test_pattern(p.pattern, v, t, fail)
            if p.name is not None:
                self.store_var(p.name, v)
        elif isinstance(p, ast.MatchOr):
            matched = self.new_block("or_ok")
            for alt in p.patterns:
                nxt = self.new_block("or_next")
                self.test_pattern(alt, v, t, nxt)
                b.jump(matched)
                b.position_at_end(nxt)
            b.jump(fail)
            b.position_at_end(matched)
        elif isinstance(p, ast.MatchSequence):
            n = len(p.patterns)
            if t == DYN:
                self._check(b.icmp("eq", self.rt("pyvm_dyn_seq_len", [v], I64), i64(n)), fail)
                for i, sub in enumerate(p.patterns):
                    self.test_pattern(sub, self.rt("pyvm_dyn_item", [v, i64(i)], PTR), DYN, fail)
            elif isinstance(t, ListT):
                self._check(b.icmp("eq", self.list_len(v), i64(n)), fail)
                for i, sub in enumerate(p.patterns):
                    self.test_pattern(sub, self.from_slot(self.list_item_unchecked(v, i64(i)), t.elem), t.elem, fail)
            else:
                assert isinstance(t, TupleT)
                for i, (sub, it) in enumerate(zip(p.patterns, t.items)):
                    self.test_pattern(sub, self.from_slot(self.tuple_get(v, i64(i)), it), it, fail)
        elif isinstance(p, ast.MatchClass):
            tag, scalar = CLASS_PATTERNS[p.cls.id]
            if t == DYN:
                self._check(self.dyn_isinstance(v, tag), fail)
                if p.patterns:
                    if scalar is not None:
                        slot = self.rt("pyvm_dyn_expect", [v, self.descriptor(scalar)], I64)
                        self.test_pattern(p.patterns[0], self.from_slot(slot, scalar), scalar, fail)
                    else:
                        self.test_pattern(p.patterns[0], v, DYN, fail)
            else:
                if not self.isinstance_result(t, p.cls):
                    b.jump(fail)
                    b.position_at_end(self.new_block("never"))
                if p.patterns:
                    self.test_pattern(p.patterns[0], v, t, fail)
        else:  # rejected by inference
            raise AssertionError(type(p).__name__)

    def is_singleton(self, v, t: Type, value):
        """`v is None` / `v is True` / `v is False` for a subject of type t."""
        b = self.b
        if t == DYN:
            if value is None:
                return self.dyn_isinstance(v, TAG_NONE)
            is_bool = self.dyn_isinstance(v, TAG_BOOL)
            yes, no, done = self.new_block("isbool"), self.new_block("notbool"), self.new_block("singleton")
            slot = self.temp(BOOL)
            b.jump_if(is_bool, yes, no)
            b.position_at_end(yes)
            b.store(b.icmp("eq", self.rt("pyvm_dyn_value", [v], I64), i64(int(value))), slot)
            b.jump(done)
            b.position_at_end(no)
            b.store(i1(False), slot)
            b.jump(done)
            b.position_at_end(done)
            return b.load(I1, slot, hint="is")
        if value is None:
            if t == PID:
                return b.icmp("eq", v, i64(0))
            return i1(t == NONE)
        if t == BOOL:
            return b.icmp("eq", self.coerce(v, BOOL, INT), i64(int(value)))
        return i1(False)
