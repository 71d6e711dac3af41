"""The interpreter tests name every opcode of the table, every condition, intrinsic, RMW operation and
ordering: adding one to pyvm.kir.opcodes fails here until a test exercises it."""

from __future__ import annotations

import re
from pathlib import Path

from pyvm.kir.opcodes import FCMP_CONDS, ICMP_CONDS, INTRINSICS, OPCODES, ORDERINGS, RMW_OPS

HERE = Path(__file__).parent


def test_every_opcode_and_keyword_appears_in_the_tests():
    text = "\n".join(p.read_text() for p in HERE.glob("test_*.py") if p.name != Path(__file__).name)
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    wanted = {*OPCODES, *ICMP_CONDS, *FCMP_CONDS, *INTRINSICS, *RMW_OPS, *ORDERINGS}
    assert not sorted(wanted - words)
