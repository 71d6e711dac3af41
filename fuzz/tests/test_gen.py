"""The generator's promises: every module verifies, the reference interpreter runs $f to the end on any
input (no trap, no step limit), the patterns the passes transform all occur, and examples are rarely
discarded."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis.statistics import collector

from fuzz import props
from fuzz.gen import ENTRY_PARAMS, GenCase, input_lists, modules
from pyvm.kir import parse_module, print_module, verify

FEATURES = {"slot", "div", "dead", "repeat", "copy", "if", "if-const", "loop-const", "loop-param", "loop-phi",
            "loop-slot", "loop-do", "switch", "call", "array", "dead-block", "ptr-param", "div-branch", "break",
            "global", "early-return", "reload"}


def test_modules_verify_run_and_cover_the_patterns():
    seen: Counter = Counter()
    stats: list[dict] = []

    @settings(max_examples=150, database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(modules(), input_lists())
    def check(case: GenCase, inputs):
        module = parse_module(case.text)
        verify(module)
        assert print_module(module) == case.text  # the text round-trips: copies are exact
        results = props.reference(case.text, inputs)
        assert results is not None, f"the reference trapped on\n{case.text}"
        assert all(isinstance(r, int) for r in results)
        seen.update(case.features)

    with collector.with_value(stats.append):
        check()
    assert FEATURES - set(seen) == set(), f"never generated: {FEATURES - set(seen)}"
    cases = stats[0]["generate-phase"]["test-cases"]
    invalid = sum(c["status"] == "invalid" for c in cases)
    assert invalid <= len(cases) // 50, f"{invalid} of {len(cases)} examples discarded"


def test_entry_signature():
    assert [t.name for _, t in ENTRY_PARAMS] == ["i64", "i32", "i8", "i1", "f64"]

    @settings(max_examples=30, database=None, derandomize=True)
    @given(input_lists())
    def check(inputs):
        for args in inputs:
            assert len(args) == len(ENTRY_PARAMS)
            for (_, t), a in zip(ENTRY_PARAMS, args):
                if t.is_int:
                    assert t.min_signed <= a <= t.max_signed
    check()
