"""The properties: optimising a generated module never changes what its entry $f returns.

A *target* names what is checked against the reference (the KIR interpreter on the module as generated):

    <pass>      one pass of pyvm.passes (mem2reg, simplifycfg, ...), on a fresh copy of the module
    O1 O2 O3 Oz the pass manager's pipelines (passes that do not exist yet are left out, and said so)
    jit-O0      the unoptimised module compiled by the LLVM backend at LLVM -O0, run in MCJIT
    jit-O2      the module after the KIR O2 pipeline, compiled at LLVM -O2, run in MCJIT

Passes run through `run_pipeline(..., verify_each=True)` on `parse_module(print_module(m))`, so a
verifier failure, a crash in a pass, a trap or a different result in the optimised module are all
failures. The reference trapping or running out of steps means the generator produced a bad module:
that example is discarded (`hypothesis.reject`) and counted in STATS.

`LAST_FAILURE` holds the last failing check: Hypothesis replays the shrunk example last, so after a
test run raises, it describes the minimal reproducer (corpus.py saves it).
"""

from __future__ import annotations

import importlib
import traceback
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import hypothesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings

from pyvm import passes
from pyvm.interp.errors import KirTrap
from pyvm.interp.machine import Interpreter
from pyvm.kir import VerifyError, parse_module
from pyvm.kir.ir import Module

from fuzz.gen import ENTRY, GenCase, input_lists, modules

PIPELINE_NAMES = ("O1", "O2", "O3", "Oz")
JIT_TARGETS = {"jit-O0": (None, 0), "jit-O2": ("O2", 2)}  # target -> (KIR pipeline, LLVM level)
REFERENCE_STEPS = 1_000_000  # the generator keeps $f under 80_000 (genstmt.COST_LIMIT * 4)
OPTIMISED_STEPS = 4 * REFERENCE_STEPS  # when the reference's own step counts are not known


def step_budget(reference_steps: Iterable[int]) -> int:
    """Steps the optimised module may take: optimisation must not make a program much slower, and a
    miscompiled loop that never ends should be cut short, not run for seconds."""
    return 4 * max(reference_steps, default=0) + 10_000


# ---- which passes exist ----------------------------------------------------------------------------

def pass_missing(name: str) -> bool:
    """True when pyvm/passes/<name>.py does not exist (yet). A pass that exists but fails to import
    is not missing: running it fails, and that is reported."""
    try:
        importlib.import_module(f"pyvm.passes.{name}")
    except ModuleNotFoundError as exc:
        return exc.name == f"pyvm.passes.{name}"
    except Exception:
        return False
    return False


def available_passes() -> tuple[str, ...]:
    return tuple(n for n in passes.PASS_NAMES if not pass_missing(n))


def target_passes(target: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the passes the target runs, the passes it should run but that do not exist)."""
    if target in JIT_TARGETS:
        level = JIT_TARGETS[target][0]
        names = passes.PIPELINES[level] if level else ()
    elif target in passes.PIPELINES:
        names = passes.PIPELINES[target]
    elif target in passes.PASS_NAMES:
        names = (target,)
    else:
        raise KeyError(f"unknown fuzz target {target!r}; known: passes {', '.join(passes.PASS_NAMES)}, "
                       f"pipelines {', '.join(PIPELINE_NAMES)}, {', '.join(JIT_TARGETS)}")
    missing = tuple(n for n in dict.fromkeys(names) if pass_missing(n))
    return tuple(n for n in names if n not in missing), missing


def all_targets(jit: bool = False) -> list[str]:
    """Every target that can run now: available passes, pipelines with at least one available pass,
    and (with jit) the JIT targets."""
    out = list(available_passes())
    out += [p for p in PIPELINE_NAMES if target_passes(p)[0]]
    if jit:
        out += list(JIT_TARGETS)
    return out


# ---- running modules ----------------------------------------------------------------------------

@dataclass
class Failure:
    target: str
    text: str  # the module as generated
    inputs: list[tuple]
    expected: list
    actual: list | str
    detail: str = ""
    ran: tuple[str, ...] = ()


class FuzzFailure(AssertionError):
    """A property failed (LAST_FAILURE says how)."""


@dataclass
class Stats:
    modules: int = 0  # modules whose reference run succeeded (and were checked)
    discards: int = 0  # the reference trapped or ran out of steps: a generator bug
    checks: dict[str, int] = field(default_factory=dict)
    discard_reasons: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.__init__()


STATS = Stats()
LAST_FAILURE: Failure | None = None


def interpret(module: Module, inputs: Iterable[tuple], max_steps: int, steps: list | None = None) -> list:
    """$f(*args) for each tuple: an int, or "trap: reason" (steps exhausted is a trap too). The
    instructions each call ran are appended to `steps` when given."""
    machine = Interpreter(module, max_steps=max_steps, verify=False)
    out: list = []
    for args in inputs:
        thread = machine.spawn(ENTRY, list(args))
        try:
            out.append(thread.run())
        except KirTrap as exc:
            out.append(f"trap: {exc.reason}")
        if steps is not None:
            steps.append(thread.steps)
    return out


def _fail(target: str, text: str, inputs, expected, actual, detail: str = "", ran=()) -> None:
    global LAST_FAILURE
    LAST_FAILURE = Failure(target, text, [tuple(a) for a in inputs], expected, actual, detail, tuple(ran))
    raise FuzzFailure(f"{target}: expected {expected}, got {actual}" + (f"\n{detail}" if detail else ""))


def reference(text: str, inputs: Sequence[tuple], steps: list | None = None) -> list | None:
    """The interpreter's results on the module as written; None when it traps (a bad module). The
    instructions each call ran are appended to `steps` when given."""
    module = parse_module(text)
    try:
        results = interpret(module, inputs, REFERENCE_STEPS, steps)
    except Exception as exc:  # not a trap: the interpreter itself failed on a verified module
        _fail("reference", text, inputs, "a result", f"{type(exc).__name__}: {exc}", traceback.format_exc())
    traps = [r for r in results if isinstance(r, str)]
    if traps:
        STATS.discards += 1
        STATS.discard_reasons[traps[0]] = STATS.discard_reasons.get(traps[0], 0) + 1
        return None
    return results


def optimise(text: str, names: Sequence[str]) -> Module:
    module = parse_module(text)
    passes.run_pipeline(module, names, verify_each=True)
    return module


def check(target: str, text: str, inputs: Sequence[tuple], expected: list,
          max_steps: int = OPTIMISED_STEPS) -> None:
    """Raises FuzzFailure (and sets LAST_FAILURE) unless `target` keeps the results `expected`;
    the optimised module may run `max_steps` instructions per call."""
    names, _missing = target_passes(target)
    try:
        module = optimise(text, names)
    except VerifyError as exc:
        _fail(target, text, inputs, expected, "verifier failure", str(exc), names)
    except Exception as exc:
        _fail(target, text, inputs, expected, f"crash: {type(exc).__name__}: {exc}", traceback.format_exc(), names)
    if target in JIT_TARGETS:
        try:
            from fuzz.jit import jit_call
            actual = jit_call(module, JIT_TARGETS[target][1], ENTRY, list(inputs))
        except Exception as exc:
            _fail(target, text, inputs, expected, f"crash: {type(exc).__name__}: {exc}", traceback.format_exc(),
                  names)
    else:
        try:
            actual = interpret(module, inputs, max_steps)
        except Exception as exc:
            _fail(target, text, inputs, expected, f"interpreter error: {type(exc).__name__}: {exc}",
                  traceback.format_exc(), names)
    STATS.checks[target] = STATS.checks.get(target, 0) + 1
    if actual != expected:
        from pyvm.kir.printer import print_module
        _fail(target, text, inputs, expected, actual, f"after {', '.join(names) or 'no passes'}:\n"
              + print_module(module), names)


# ---- Hypothesis tests ---------------------------------------------------------------------------

def property_for(targets: Sequence[str]) -> Callable[[GenCase, list], None]:
    """The property over `targets`: one generated module, its reference results, every target."""
    targets = list(targets)

    def prop(case: GenCase, inputs: list) -> None:
        steps: list[int] = []
        expected = reference(case.text, inputs, steps)
        if expected is None:
            hypothesis.reject()
        STATS.modules += 1
        for target in targets:
            check(target, case.text, inputs, expected, step_budget(steps))

    prop.__name__ = "equivalence_" + "_".join(t.replace("-", "_") for t in targets)[:80]
    return prop


def build_test(targets: Sequence[str], *, max_examples: int = 100, seed: int | None = None,
               derandomize: bool = False, verbosity: Verbosity = Verbosity.normal, shrink: bool = True,
               max_inputs: int = 3):
    """A Hypothesis test (call it to run it) of the property over `targets`; `test.hypothesis.
    fuzz_one_input` drives it from bytes (atheris_entry.py)."""
    prop = property_for(targets)
    test = given(case=modules(), inputs=input_lists(max_inputs))(prop)
    phases = (Phase.generate, Phase.shrink) if shrink else (Phase.generate,)
    test = settings(max_examples=max_examples, deadline=None, database=None, derandomize=derandomize,
                    suppress_health_check=list(HealthCheck), phases=phases, report_multiple_bugs=False,
                    verbosity=verbosity, print_blob=False)(test)
    if seed is not None and not derandomize:
        test = hypothesis.seed(seed)(test)
    return test


def run(test) -> Failure | None:
    """Runs a test from build_test; the (shrunk) failure, or None when the property held."""
    global LAST_FAILURE
    LAST_FAILURE = None
    try:
        test()
    except FuzzFailure:
        return LAST_FAILURE
    return None
