"""mem2reg and simplifycfg keep meaning: the interpreter gives the same results before and after.

Hand-written functions with loops and branches (counters and accumulators in ALLOCA slots, nested
ifs, nested loops, switches, constant branches and empty blocks), plus small random structured
programs, each run on several inputs before and after the passes (alone and in sequence).
"""

from __future__ import annotations

import random

import pytest

from pyvm import passes
from pyvm.interp.machine import Interpreter
from pyvm.kir import parse_module, print_module, verify

PIPELINES = [("mem2reg",), ("simplifycfg",), ("mem2reg", "simplifycfg"), ("simplifycfg", "mem2reg"),
             ("mem2reg", "simplifycfg", "mem2reg", "simplifycfg")]

LOOP_SUM = """
module "t"

func $f(%n: i64, %k: i64) -> i64 {
@entry:
    %i: ptr = ALLOCA 8, 8
    %acc: ptr = ALLOCA 8, 8
    STORE i64 0, %i, 8
    STORE %k, %acc, 8
    JUMP @loop
@loop:
    %iv: i64 = LOAD %i, 8
    %c: i1 = ICMP slt %iv, %n
    JUMP_IF %c, @body, @done
@body:
    %a: i64 = LOAD %acc, 8
    %iv2: i64 = LOAD %i, 8
    %a2: i64 = ADD %a, %iv2
    STORE %a2, %acc, 8
    %i2: i64 = ADD %iv2, i64 1
    STORE %i2, %i, 8
    JUMP @loop
@done:
    %r: i64 = LOAD %acc, 8
    RET %r
}
"""

NESTED_IFS = """
module "t"

func $f(%a: i64, %b: i64) -> i64 {
@entry:
    %r: ptr = ALLOCA 8, 8
    %t: ptr = ALLOCA 8, 8
    STORE i64 0, %r, 8
    %c1: i1 = ICMP slt %a, %b
    JUMP_IF %c1, @lt, @ge
@lt:
    %c2: i1 = ICMP slt %a, i64 0
    JUMP_IF %c2, @lt_neg, @lt_join
@lt_neg:
    %na: i64 = NEG %a
    STORE %na, %r, 8
    STORE i64 1, %t, 8
    JUMP @lt_join
@lt_join:
    %rv: i64 = LOAD %r, 8
    %rv2: i64 = ADD %rv, %b
    STORE %rv2, %r, 8
    JUMP @join
@ge:
    %c3: i1 = ICMP eq %a, %b
    JUMP_IF %c3, @eq, @join
@eq:
    STORE i64 100, %r, 8
    STORE i64 2, %t, 8
    JUMP @join
@join:
    %x: i64 = LOAD %r, 8
    %y: i64 = LOAD %t, 8
    %y10: i64 = MUL %y, i64 1000
    %s: i64 = ADD %x, %y10
    RET %s
}
"""

NESTED_LOOPS = """
module "t"

func $f(%n: i64, %m: i64) -> i64 {
@entry:
    %i: ptr = ALLOCA 8, 8
    %j: ptr = ALLOCA 8, 8
    %cnt: ptr = ALLOCA 8, 8
    STORE i64 0, %i, 8
    STORE i64 0, %cnt, 8
    JUMP @outer
@outer:
    %iv: i64 = LOAD %i, 8
    %oc: i1 = ICMP slt %iv, %n
    JUMP_IF %oc, @outer_body, @done
@outer_body:
    STORE %iv, %j, 8
    JUMP @inner
@inner:
    %jv: i64 = LOAD %j, 8
    %ic: i1 = ICMP slt %jv, %m
    JUMP_IF %ic, @inner_body, @outer_latch
@inner_body:
    %sum: i64 = ADD %iv, %jv
    %rem: i64 = REM %sum, i64 3
    %hit: i1 = ICMP eq %rem, i64 0
    JUMP_IF %hit, @count, @skip
@count:
    %cv: i64 = LOAD %cnt, 8
    %cv2: i64 = ADD %cv, %sum
    STORE %cv2, %cnt, 8
    JUMP @skip
@skip:
    %jv2: i64 = ADD %jv, i64 1
    STORE %jv2, %j, 8
    JUMP @inner
@outer_latch:
    %iv2: i64 = ADD %iv, i64 1
    STORE %iv2, %i, 8
    JUMP @outer
@done:
    %r: i64 = LOAD %cnt, 8
    RET %r
}
"""

# A loop with a SWITCH inside and an early exit through an i1 flag slot; one case is an empty block.
SWITCH_BREAK = """
module "t"

func $f(%n: i64, %seed: i64) -> i64 {
@entry:
    %x: ptr = ALLOCA 8, 8
    %stop: ptr = ALLOCA 1, 1
    %i: ptr = ALLOCA 8, 8
    STORE %seed, %x, 8
    STORE i1 0, %stop, 1
    STORE i64 0, %i, 8
    JUMP @head
@head:
    %s: i1 = LOAD %stop, 1
    %iv: i64 = LOAD %i, 8
    %more: i1 = ICMP slt %iv, %n
    %go: i1 = SELECT %s, i1 0, %more
    JUMP_IF %go, @body, @out
@body:
    %xv: i64 = LOAD %x, 8
    %k: i64 = AND %xv, i64 3
    SWITCH %k, @other, [0: @zero, 1: @one, 2: @empty]
@zero:
    %z: i64 = ADD %xv, i64 7
    STORE %z, %x, 8
    JUMP @latch
@one:
    %o: i64 = MUL %xv, i64 3
    STORE %o, %x, 8
    %big: i1 = ICMP sgt %o, i64 500
    STORE %big, %stop, 1
    JUMP @latch
@empty:
    JUMP @latch
@other:
    %t: i64 = SUB %xv, i64 1
    STORE %t, %x, 8
    JUMP @latch
@latch:
    %xl: i64 = LOAD %x, 8
    %xl2: i64 = ADD %xl, %iv
    STORE %xl2, %x, 8
    %iv2: i64 = ADD %iv, i64 1
    STORE %iv2, %i, 8
    JUMP @head
@out:
    %r: i64 = LOAD %x, 8
    %sv: i1 = LOAD %stop, 1
    %sz: i64 = ZEXT %sv
    %sz2: i64 = MUL %sz, i64 1000000
    %res: i64 = ADD %r, %sz2
    RET %res
}
"""

# Floats in slots, a load before any store (reads zero), and an ALLOCA inside the loop (fresh, zeroed
# slot each iteration).
FLOATS_AND_FRESH_SLOTS = """
module "t"

func $f(%n: i64, %w: i64) -> i64 {
@entry:
    %acc: ptr = ALLOCA 8, 8
    %i: ptr = ALLOCA 8, 8
    %u: ptr = ALLOCA 8, 8
    %first: f64 = LOAD %acc, 8
    STORE i64 0, %i, 8
    JUMP @head
@head:
    %iv: i64 = LOAD %i, 8
    %c: i1 = ICMP slt %iv, %n
    JUMP_IF %c, @body, @done
@body:
    %fresh: ptr = ALLOCA 8, 8
    %old: i64 = LOAD %fresh, 8
    STORE %iv, %fresh, 8
    %a: f64 = LOAD %acc, 8
    %fi: f64 = SITOFP %iv
    %half: f64 = MUL %fi, f64 0.5
    %a2: f64 = ADD %a, %half
    STORE %a2, %acc, 8
    %uv: i64 = LOAD %u, 8
    %uv2: i64 = ADD %uv, %old
    %uv3: i64 = ADD %uv2, %w
    STORE %uv3, %u, 8
    %iv2: i64 = ADD %iv, i64 1
    STORE %iv2, %i, 8
    JUMP @head
@done:
    %r: f64 = LOAD %acc, 8
    %r2: f64 = ADD %r, %first
    %ri: i64 = FPTOSI %r2
    %ur: i64 = LOAD %u, 8
    %res: i64 = ADD %ri, %ur
    RET %res
}
"""

# For simplifycfg: constant branches and switches, chains of empty blocks, a PHI fed through an empty
# block that cannot be bypassed, single-value PHIs, and an unreachable block feeding a PHI.
CFG_SHAPES = """
module "t"

func $f(%a: i64, %b: i64) -> i64 {
@entry:
    %c: i1 = ICMP slt %a, %b
    JUMP_IF i1 1, @e1, @never
@never:
    JUMP @join
@e1:
    JUMP @e2
@e2:
    JUMP_IF %c, @sel, @join
@sel:
    JUMP @join
@join:
    %p: i64 = PHI [i64 9, @never], [%a, @e2], [%b, @sel]
    SWITCH i64 3, @sw_default, [1: @join2, 3: @sw_three]
@sw_three:
    %q: i64 = ADD %p, i64 10
    JUMP @join2
@sw_default:
    JUMP @join2
@join2:
    %r: i64 = PHI [%p, @join], [%q, @sw_three], [i64 0, @sw_default]
    %d: i1 = ICMP sgt %r, i64 20
    JUMP_IF %d, @same, @same
@same:
    %s: i64 = PHI [%r, @join2]
    %t: i64 = MUL %s, i64 2
    JUMP_IF %c, @x, @y
@x:
    JUMP @end
@y:
    JUMP @end
@end:
    %u: i64 = PHI [%t, @x], [%t, @y], [%zz, @dead]
    RET %u
@dead:
    %zz: i64 = ADD %a, i64 1
    JUMP @end
}
"""

HAND_WRITTEN = {
    "loop_sum": (LOOP_SUM, [(0, 0), (1, 5), (10, -3), (100, 7)]),
    "nested_ifs": (NESTED_IFS, [(1, 2), (-5, 2), (2, 2), (7, 3), (-1, -1), (0, 9)]),
    "nested_loops": (NESTED_LOOPS, [(0, 5), (3, 4), (5, 9), (6, 2)]),
    "switch_break": (SWITCH_BREAK, [(0, 1), (10, 0), (10, 1), (20, 2), (30, 3), (15, 121)]),
    "floats_and_fresh_slots": (FLOATS_AND_FRESH_SLOTS, [(0, 1), (1, 2), (7, 3), (20, -4)]),
    "cfg_shapes": (CFG_SHAPES, [(1, 2), (2, 1), (30, 40), (-3, -3)]),
}


def run_after(module_text: str, names: tuple[str, ...], inputs) -> tuple[list, str]:
    module = parse_module(module_text)
    verify(module)
    copy = parse_module(print_module(module))  # the passes work in place: keep the original intact
    for name in names:
        passes.run(name, copy)
        verify(copy)
    interp = Interpreter(copy)
    return [interp.call("f", list(args), max_steps=2_000_000) for args in inputs], print_module(copy)


@pytest.mark.parametrize("names", PIPELINES, ids=lambda n: "+".join(n))
@pytest.mark.parametrize("case", sorted(HAND_WRITTEN))
def test_hand_written_keep_meaning(case, names):
    text, inputs = HAND_WRITTEN[case]
    expected = [Interpreter(parse_module(text)).call("f", list(args)) for args in inputs]
    got, out = run_after(text, names, inputs)
    assert got == expected, out


def test_mem2reg_removes_every_slot_of_the_hand_written_functions():
    for case, (text, _) in HAND_WRITTEN.items():
        _, out = run_after(text, ("mem2reg",), [])
        assert "ALLOCA" not in out and "LOAD" not in out and "STORE" not in out, (case, out)


def test_simplifycfg_reaches_a_fixed_point():
    for case, (text, _) in HAND_WRITTEN.items():
        module = parse_module(text)
        passes.run("mem2reg", module)
        passes.run("simplifycfg", module)
        assert passes.run("simplifycfg", module) is False, case


def test_cfg_shapes_simplify_to_straight_line_code_where_possible():
    _, out = run_after(CFG_SHAPES, ("simplifycfg",), [])
    assert "@never" not in out and "@dead" not in out and "SWITCH" not in out
    # entry -> e2 via the empty e1; @sel must stay (it selects %b where e2 also reaches @join with %a)
    assert "@sel:" in out and "@e1" not in out


# ---- random structured programs ------------------------------------------------------------------

class ProgramGen:
    """A random function $f(%a, %b) -> i64 the way a frontend writes one: locals in ALLOCA slots,
    if/else, bounded counting loops, switches, the odd constant branch, empty arm and escaping slot."""

    OPS = ("ADD", "SUB", "MUL", "XOR", "AND", "OR")
    CONDS = ("slt", "sgt", "eq", "ne", "sle")

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.lines: list[str] = []
        self.n = 0
        self.vars = [f"v{i}" for i in range(self.rng.randint(2, 4))]

    def fresh(self, hint: str = "t") -> str:
        self.n += 1
        return f"{hint}{self.n}"

    def emit(self, line: str) -> None:
        self.lines.append("    " + line)

    def label(self, name: str) -> None:
        self.lines.append(f"@{name}:")

    def load(self, var: str) -> str:
        r = self.fresh()
        self.emit(f"%{r}: i64 = LOAD %{var}, 8")
        return f"%{r}"

    def operand(self) -> str:
        if self.rng.random() < 0.3:
            return f"i64 {self.rng.randint(-5, 9)}"
        return self.load(self.rng.choice(self.vars))

    def assign(self) -> None:
        a, b = self.operand(), self.operand()
        r = self.fresh()
        self.emit(f"%{r}: i64 = {self.rng.choice(self.OPS)} {a}, {b}")
        if self.rng.random() < 0.1:  # a store through a GEP: this slot must stay in memory
            p = self.fresh("p")
            self.emit(f"%{p}: ptr = GEP %{self.rng.choice(self.vars)}, i64 0, 8, 0")
            self.emit(f"STORE %{r}, %{p}, 8")
        else:
            self.emit(f"STORE %{r}, %{self.rng.choice(self.vars)}, 8")

    def cond(self) -> str:
        if self.rng.random() < 0.15:
            return f"i1 {self.rng.randint(0, 1)}"
        a, b = self.operand(), self.operand()
        r = self.fresh("c")
        self.emit(f"%{r}: i1 = ICMP {self.rng.choice(self.CONDS)} {a}, {b}")
        return f"%{r}"

    def stmts(self, depth: int) -> None:
        for _ in range(self.rng.randint(0, 3)):
            kind = self.rng.random()
            if depth >= 3 or kind < 0.45:
                self.assign()
            elif kind < 0.65:
                self.if_else(depth)
            elif kind < 0.85:
                self.loop(depth)
            else:
                self.switch(depth)

    def if_else(self, depth: int) -> None:
        then, other, join = self.fresh("then"), self.fresh("else"), self.fresh("join")
        self.emit(f"JUMP_IF {self.cond()}, @{then}, @{other}")
        for name in (then, other):
            self.label(name)
            self.stmts(depth + 1)  # may be empty: a block holding only the JUMP
            self.emit(f"JUMP @{join}")
        self.label(join)

    def loop(self, depth: int) -> None:
        counter, head, body, done = self.fresh("cnt"), self.fresh("head"), self.fresh("body"), self.fresh("done")
        self.emit(f"%{counter}: ptr = ALLOCA 8, 8")
        self.emit(f"STORE i64 0, %{counter}, 8")
        self.emit(f"JUMP @{head}")
        self.label(head)
        i, c = self.load(counter), self.fresh("c")
        self.emit(f"%{c}: i1 = ICMP slt {i}, i64 {self.rng.randint(0, 4)}")
        self.emit(f"JUMP_IF %{c}, @{body}, @{done}")
        self.label(body)
        self.stmts(depth + 1)
        i2, i3 = self.load(counter), self.fresh()
        self.emit(f"%{i3}: i64 = ADD {i2}, i64 1")
        self.emit(f"STORE %{i3}, %{counter}, 8")
        self.emit(f"JUMP @{head}")
        self.label(done)

    def switch(self, depth: int) -> None:
        if self.rng.random() < 0.2:
            key = f"i64 {self.rng.randint(0, 3)}"
        else:
            key, m = self.operand(), self.fresh()
            self.emit(f"%{m}: i64 = AND {key}, i64 3")
            key = f"%{m}"
        arms = [self.fresh("case") for _ in range(3)]
        join = self.fresh("join")
        self.emit(f"SWITCH {key}, @{arms[0]}, [0: @{arms[1]}, 1: @{arms[2]}, 2: @{arms[1]}]")
        for arm in arms:
            self.label(arm)
            self.stmts(depth + 1)
            self.emit(f"JUMP @{join}")
        self.label(join)

    def program(self) -> str:
        self.label("entry")
        for v in self.vars:
            self.emit(f"%{v}: ptr = ALLOCA 8, 8")
        self.emit("STORE %a, %v0, 8")
        self.emit("STORE %b, %v1, 8")  # the other variables start unwritten: they read as zero
        self.stmts(0)
        acc = self.load(self.vars[0])
        for v in self.vars[1:]:
            x, r = self.load(v), self.fresh()
            self.emit(f"%{r}: i64 = XOR {acc}, {x}")
            acc = f"%{r}"
        self.emit(f"RET {acc}")
        body = "\n".join(self.lines)
        return f'module "rand"\n\nfunc $f(%a: i64, %b: i64) -> i64 {{\n{body}\n}}\n'


@pytest.mark.parametrize("seed", range(40))
def test_random_programs_keep_meaning(seed):
    text = ProgramGen(seed).program()
    inputs = [(0, 0), (1, -1), (3, 7), (-8, 5), (123, 45)]
    expected = [Interpreter(parse_module(text)).call("f", list(args), max_steps=2_000_000) for args in inputs]
    for names in PIPELINES:
        got, out = run_after(text, names, inputs)
        assert got == expected, f"{'+'.join(names)} changed the results\n--- before\n{text}\n--- after\n{out}"



def random_cfg(seed: int) -> str:
    """A random unstructured CFG: blocks jump anywhere (irreducible loops, unreachable blocks that
    still feed reachable ones, constant branches and switches), slots read and written at random.
    A fuel slot counted down in every block bounds the run."""
    rng = random.Random(seed)
    blocks = [f"b{i}" for i in range(rng.randint(2, 9))]
    nvars = rng.randint(1, 3)
    lines = ["@entry:", "    %fuel: ptr = ALLOCA 8, 8", "    STORE i64 30, %fuel, 8"]
    for v in range(nvars):
        lines.append(f"    %v{v}: ptr = ALLOCA 8, 8")
        if rng.random() < 0.7:
            lines.append(f"    STORE %a, %v{v}, 8")
    lines.append("    JUMP @b0")
    names = iter(f"t{i}" for i in range(10_000))

    def succ() -> str:
        return rng.choice(blocks[1:] + ["exit"]) if rng.random() < 0.9 else "exit"

    for block in blocks:
        f1, f2, fc, cont = next(names), next(names), next(names), next(names)
        lines += [f"@{block}:", f"    %{f1}: i64 = LOAD %fuel, 8", f"    %{f2}: i64 = SUB %{f1}, i64 1",
                  f"    STORE %{f2}, %fuel, 8", f"    %{fc}: i1 = ICMP sle %{f2}, i64 0"]
        for _ in range(rng.randint(0, 3)):
            x, y = next(names), next(names)
            lines.append(f"    %{x}: i64 = LOAD %v{rng.randrange(nvars)}, 8")
            lines.append(f"    %{y}: i64 = {rng.choice(['ADD', 'MUL', 'XOR', 'SUB'])} %{x}, "
                         f"{rng.choice(['%a', '%b', 'i64 3', '%' + x])}")
            lines.append(f"    STORE %{y}, %v{rng.randrange(nvars)}, 8")
        lines += [f"    JUMP_IF %{fc}, @exit, @{cont}", f"@{cont}:"]
        x, c = next(names), next(names)
        kind = rng.random()
        if kind < 0.35:
            lines.append(f"    JUMP @{succ()}")
        elif kind < 0.7:
            lines.append(f"    %{x}: i64 = LOAD %v{rng.randrange(nvars)}, 8")
            lines.append(f"    %{c}: i1 = ICMP slt %{x}, %b")
            lines.append(f"    JUMP_IF {rng.choice(['%' + c, '%' + c, 'i1 0', 'i1 1'])}, @{succ()}, @{succ()}")
        else:
            lines.append(f"    %{x}: i64 = LOAD %v{rng.randrange(nvars)}, 8")
            lines.append(f"    %{c}: i64 = AND %{x}, i64 3")
            lines.append(f"    SWITCH {rng.choice(['%' + c, '%' + c, 'i64 1'])}, @{succ()}, "
                         f"[0: @{succ()}, 1: @{succ()}]")
    lines.append("@exit:")
    acc = "%a"
    for v in range(nvars):
        x, y = next(names), next(names)
        lines += [f"    %{x}: i64 = LOAD %v{v}, 8", f"    %{y}: i64 = XOR {acc}, %{x}"]
        acc = f"%{y}"
    lines.append(f"    RET {acc}")
    return 'module "rand"\n\nfunc $f(%a: i64, %b: i64) -> i64 {\n' + "\n".join(lines) + "\n}\n"


@pytest.mark.parametrize("seed", range(40))
def test_random_unstructured_cfgs_keep_meaning(seed):
    text = random_cfg(seed)
    inputs = [(0, 0), (1, -1), (3, 7), (-8, 5), (123, 45)]
    expected = [Interpreter(parse_module(text)).call("f", list(args), max_steps=2_000_000) for args in inputs]
    for names in PIPELINES:
        got, out = run_after(text, names, inputs)
        assert got == expected, f"{'+'.join(names)} changed the results\n--- before\n{text}\n--- after\n{out}"
