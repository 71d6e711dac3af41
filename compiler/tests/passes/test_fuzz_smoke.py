"""A short, derandomized run of the equivalence fuzzer (fuzz/) for CI; campaigns run longer
(`nox -s fuzz`, fuzz/README.md).

For every pass that exists, every pipeline and the two LLVM JIT targets: EXAMPLES generated modules
(fuzz.gen) whose results under the KIR interpreter must not change after the target (fuzz.props). A
failure is shrunk by Hypothesis and saved as a reproducer in fuzz/corpus/ (or $FUZZ_CORPUS_DIR),
which test_fuzz_corpus.py then replays.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from fuzz import atheris_entry, corpus, props

EXAMPLES = 40
TARGETS = props.all_targets(jit=True)


@pytest.mark.parametrize("target", TARGETS)
def test_target_preserves_results(target):
    props.STATS.reset()
    failure = props.run(props.build_test([target], max_examples=EXAMPLES, derandomize=True))
    if failure is not None:
        path = corpus.save(failure, Path(os.environ.get("FUZZ_CORPUS_DIR", corpus.CORPUS_DIR)))
        pytest.fail(f"{target} changed $f's results: expected {failure.expected}, got {failure.actual} on "
                    f"inputs {failure.inputs}\nreproducer: {path}\n{failure.text}\n{failure.detail}")
    assert props.STATS.modules >= EXAMPLES * 9 // 10
    assert props.STATS.discards <= 1


def test_fuzz_one_input_on_random_bytes():
    """The byte-driven entry (what atheris/libFuzzer calls) on a few random byte strings."""
    target = atheris_entry.fuzz_target("all")
    rng = random.Random(1234)
    valid = 0
    for size in (0, 1, 16, 300, 2000, 4000, 8000):
        out = target(rng.randbytes(size))
        valid += out is not None
    assert valid >= 3
