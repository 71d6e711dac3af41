"""The toolkit end to end: a wrong pass is caught, shrunk and saved; the reproducer replays (and
fails until the pass is fixed); campaigns and the byte-driven entry run."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import Verbosity

from fuzz import atheris_entry, campaign, corpus, props
from pyvm import passes
from pyvm.kir.ir import Const


def _wrong_mul(module) -> bool:
    """A miscompiling 'pass': MUL x, <constant> on i64 becomes ADD ($f's fold has such MULs)."""
    changed = False
    for fn in module.functions:
        for _, ins in fn.instructions():
            if ins.op == "MUL" and isinstance(ins.operands[1], Const) and ins.dest.type.bits == 64:
                ins.op, changed = "ADD", True
    return changed


@pytest.fixture
def broken_dce(monkeypatch):
    real = passes.get
    monkeypatch.setattr(passes, "get", lambda name: _wrong_mul if name == "dce" else real(name))
    monkeypatch.setattr(props, "pass_missing", lambda name: False)


def test_verifier_failures_count(monkeypatch):
    def breaks_ssa(module) -> bool:
        fn = module.functions[-1]
        fn.entry.instrs.insert(0, fn.entry.instrs[-1])  # a terminator first
        return True
    real = passes.get
    monkeypatch.setattr(passes, "get", lambda name: breaks_ssa if name == "cse" else real(name))
    monkeypatch.setattr(props, "pass_missing", lambda name: False)
    failure = props.run(props.build_test(["cse"], max_examples=5, seed=1, verbosity=Verbosity.quiet))
    assert failure is not None and failure.actual == "verifier failure"


def test_seed_reproducer_round_trip(tmp_path):
    text = (corpus.CORPUS_DIR / next(p.name for p in corpus.files())).read_text()
    rep = corpus.parse_reproducer(text)
    fake = props.Failure(rep.target, text.split("\n\n", 1)[1], rep.inputs, rep.expected, rep.expected, "x\ny")
    again = corpus.load(corpus.save(fake, tmp_path, kind="seed"))
    assert (again.target, again.kind, again.inputs, again.expected) == (rep.target, "seed", rep.inputs,
                                                                      rep.expected)


def test_campaign_runs_and_reports(tmp_path):
    status = campaign.main(["--pass", props.all_targets()[0], "--minutes", "0.05", "--seed", "3",
                            "--batch", "5", "--corpus", str(tmp_path / "c"), "--report", str(tmp_path)])
    report = json.loads((tmp_path / "campaign.json").read_text())
    assert status == 0 and report["targets"][0]["modules"] > 0
    assert not (tmp_path / "c").exists()


def test_a_miscompilation_fails_the_campaign_and_is_shrunk_saved_and_replayed(broken_dce, tmp_path):
    status = campaign.main(["--pass", "dce", "--minutes", "0.2", "--seed", "1", "--batch", "100",
                            "--max-failures", "1", "--corpus", str(tmp_path)])
    assert status == 1
    [path] = tmp_path.glob("*.kir")
    assert path.name.startswith("dce-")
    rep = corpus.load(path)
    assert (rep.target, rep.kind) == ("dce", "failure") and rep.expected != rep.actual
    module_lines = rep.text.split("\n\n", 1)[1].count("\n")
    assert module_lines < 30, f"not shrunk:\n{rep.text}"
    with pytest.raises(AssertionError):  # until the pass is fixed
        corpus.replay(rep)


def test_fuzz_one_input_saves_unshrunk_failures(broken_dce, tmp_path):
    target = atheris_entry.fuzz_target("dce", save_dir=tmp_path)
    rng = random.Random(5)
    with pytest.raises(props.FuzzFailure):
        for _ in range(300):
            target(rng.randbytes(rng.randint(200, 3000)))
    assert len(list(tmp_path.glob("dce-*.kir"))) == 1


def test_atheris_entry_without_atheris(capsys):
    try:
        import atheris  # noqa: F401
    except ImportError:
        assert atheris_entry.main(["prog", "--target", "O2"]) == 2
        assert "atheris is not installed" in capsys.readouterr().err
    else:
        pytest.skip("atheris is installed: the entry point would start fuzzing")


def test_a_seed_reproduces_a_batch(monkeypatch):
    seen: list[list[str]] = [[], []]
    real = props.reference
    for run in seen:
        monkeypatch.setattr(props, "reference",
                            lambda text, inputs, steps=None, run=run:
                            run.append(text) or real(text, inputs, steps))
        assert props.run(props.build_test(["O1"], max_examples=8, seed=campaign.batch_seed(9, 4))) is None
    assert seen[0] == seen[1] and len(seen[0]) >= 8
