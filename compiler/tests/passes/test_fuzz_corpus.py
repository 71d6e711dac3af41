"""Replays every reproducer in fuzz/corpus/ (fuzz/corpus.py describes the format).

Each file is a KIR module with the fuzz target (a pass, a pipeline or a JIT target) and $f's inputs in
its header: the interpreter must still give the recorded results on the module as written, and the
target must keep them. Files of kind `failure` were saved by the fuzzer when a pass miscompiled; they
fail here until the pass is fixed and then guard against the bug coming back. Files of kind `seed`
are hand-picked generated modules exercising each pass, so the replay is never empty.
"""

from __future__ import annotations

import pytest

from fuzz import corpus

FILES = corpus.files()


def test_corpus_is_not_empty():
    assert FILES, f"no reproducers in {corpus.CORPUS_DIR}"
    assert {"seed"} <= {corpus.load(p).kind for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_replay(path):
    rep = corpus.load(path)
    try:
        corpus.replay(rep)
    except corpus.Missing as exc:
        pytest.skip(str(exc))
