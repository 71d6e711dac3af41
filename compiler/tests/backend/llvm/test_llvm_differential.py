"""Differential tests of the LLVM backend: one KIR module of a few thousand checks (llvm_diffsuite),
run in the JIT (-O0, -O2) and as a native executable linked with cc (-O0 ... -O3, -Oz), every result
compared with an expectation computed in Python; and, when pyvm.interp exists, with the KIR
interpreter.
"""

from __future__ import annotations

import subprocess

import pytest
from llvm_diffsuite import build_suite

from pyvm.backend.llvm import compile_object, jit_run, link_executable, lower_module
from pyvm.kir import parse_module, verify
from pyvm.kir.opcodes import FCMP_CONDS, ICMP_CONDS, INTRINSICS, OPCODES, ORDERINGS, RMW_OPS

LEVELS = {"O0": (0, False), "O1": (1, False), "O2": (2, False), "O3": (3, False), "Oz": (2, True)}


@pytest.fixture(scope="module")
def suite():
    return build_suite()


@pytest.fixture(scope="module")
def kir_module(suite):
    module = parse_module(suite.text(), "llvm_diff.kir")
    verify(module)
    return module


@pytest.fixture(scope="module")
def llvm_module(kir_module):
    return lower_module(kir_module)


def _report(bad: list[str]) -> str:
    return f"{len(bad)} mismatches:\n  " + "\n  ".join(bad[:40])


def parse_native_output(stdout: str) -> tuple[dict[int, int], int | None]:
    results, result = {}, None
    for line in stdout.splitlines():
        key, value = line.split()
        if key == "result":
            result = int(value)
        else:
            results[int(key)] = int(value)
    return results, result


@pytest.mark.parametrize("level", ["O0", "O2"])
def test_jit(level, suite, kir_module, support_lib):
    support_lib.jit_reset()
    assert jit_run(kir_module, LEVELS[level][0], [support_lib.shared]) == len(suite.checks)
    bad = suite.mismatches(support_lib.jit_results())
    assert not bad, _report(bad)


@pytest.mark.parametrize("level", list(LEVELS))
def test_native(level, suite, llvm_module, support_lib, tmp_path):
    opt, size = LEVELS[level]
    obj = tmp_path / "prog.o"
    obj.write_bytes(compile_object(llvm_module, opt, size=size))
    exe = link_executable([obj], tmp_path / "prog", support_lib.static)
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    results, result = parse_native_output(proc.stdout)
    assert result == len(suite.checks)
    bad = suite.mismatches(results)
    assert not bad, _report(bad)


def test_suite_covers_every_opcode_condition_cast_and_intrinsic(kir_module):
    """The suite must grow with the opcode table: every opcode, ICMP/FCMP condition, intrinsic, RMW
    operation and ordering of KIR appears in it (and so is checked at every level)."""
    ops, conds, intrinsics, rmw, orders, casts = set(), {"ICMP": set(), "FCMP": set()}, set(), set(), set(), set()
    for fn in kir_module.functions:
        for _, ins in fn.instructions():
            ops.add(ins.op)
            kinds = [k for k in ins.info.syntax if k != "args"]
            words = [o for o, k in zip(ins.operands, kinds) if k in ("cond", "name", "rmwop", "ord")]
            if ins.op in conds:
                conds[ins.op].add(ins.operands[0])
            elif ins.op == "INTRINSIC":
                intrinsics.add((ins.operands[0], ins.operands[1].type.name))
            elif ins.op == "ATOMIC_RMW":
                rmw.add(ins.operands[0])
            if ins.info.group == "cast":
                casts.add((ins.op, ins.operands[0].type.name, ins.dest.type.name))
            orders.update(w for w in words if w in ORDERINGS)
    assert set(OPCODES) - ops == set()
    assert conds["ICMP"] == set(ICMP_CONDS)
    assert conds["FCMP"] == set(FCMP_CONDS)
    assert {(n, t) for n in INTRINSICS for t in (("f32", "f64") if INTRINSICS[n].shape != "ii->i1"
                                                  else ("i1", "i8", "i16", "i32", "i64"))} <= intrinsics
    assert rmw == set(RMW_OPS)
    assert orders == set(ORDERINGS)
    assert {op for op, _, _ in casts} == {op for op, info in OPCODES.items() if info.group == "cast"}


def test_interpreter_agrees(suite, kir_module):
    """The same module in the KIR interpreter (the reference semantics), with pyvm_test_report as a
    Python extern: every check where KIR's semantics.py does not knowingly differ from C must pass.
    (Those that do are the pow pole/overflow cases and i64 -> f32 beyond 2**53, reported as KIR
    bugs; the backend follows C/IEEE there.)"""
    interp = pytest.importorskip("pyvm.interp", reason="the KIR interpreter is not there yet")
    results: dict[int, int] = {}
    machine = interp.Interpreter(kir_module, libraries=[None],
                                 externs={"pyvm_test_report": lambda i, v: results.__setitem__(i, v)})
    assert machine.call("pyvm_program_main") == len(suite.checks)
    bad = suite.mismatches(results, only_interp=True)
    assert not bad, _report(bad)
