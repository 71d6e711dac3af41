"""Hand-written KIR actor programs for the interpreter tests, and a runner (a subprocess each).

The KIR follows the frontend's conventions (ACTORS.md §3): a coroutine is a tuple T(i,i,args..)
holding its actor entry `$f.actor(ctx, coro)` and runner; an entry links a shadow frame (so crashes
print a traceback), runs its body and ends with `pyvm_coro_return`. `program(...)` assembles a module
from actor bodies written in a few lines of KIR each.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

EXTERNS = """
extern $pyvm_type_intern(ptr) -> ptr
extern $pyvm_tuple_new(ptr, i64) -> ptr
extern $pyvm_tuple_getitem(ptr, i64) -> i64
extern $pyvm_coro_run_main(ptr, i64) -> i64
extern $pyvm_coro_spawn(ptr, i64) -> i64
extern $pyvm_coro_return(ptr, i64) -> void
extern $pyvm_coro_gather(ptr, ptr) -> ptr
extern $pyvm_act_send(i64, ptr, i64) -> void
extern $pyvm_act_receive(f64) -> ptr
extern $pyvm_act_receive_where(ptr, ptr, f64) -> ptr
extern $pyvm_act_sleep(f64) -> void
extern $pyvm_act_self() -> i64
extern $pyvm_act_link(i64) -> void
extern $pyvm_act_monitor(i64) -> i64
extern $pyvm_act_trap_exit(i1) -> i1
extern $pyvm_act_kill(i64, ptr) -> void
extern $pyvm_act_exit(ptr) -> void noreturn
extern $pyvm_act_register(ptr, i64) -> i1
extern $pyvm_act_whereis(ptr) -> i64
extern $pyvm_safepoint() -> void
extern $pyvm_dyn_expect(ptr, ptr) -> i64
extern $pyvm_dyn_str(ptr) -> ptr
extern $pyvm_print_int(i64) -> void
extern $pyvm_print_str(ptr) -> void
extern $pyvm_print_newline() -> void
extern $pyvm_str_from_utf8(ptr, i64) -> ptr
extern $pyvm_list_new(ptr, i64) -> ptr
extern $pyvm_list_append(ptr, i64) -> void
extern $pyvm_list_get(ptr, i64) -> i64
extern $pyvm_raise(i32, ptr) -> void noreturn
extern $pyvm_tstate_get() -> ptr
"""

DATA = """
data $file = const "t.py\\00" align 1
data $spec_i = const "i\\00" align 1
data $spec_s = const "s\\00" align 1
data $spec_A = const "A\\00" align 1
data $spec_P = const "P\\00" align 1
data $spec_Li = const "L(i)\\00" align 1
data $spec_LF = const "L(F)\\00" align 1
data $spec_coro0 = const "T(i,i)\\00" align 1
data $spec_coro1 = const "T(i,i,i)\\00" align 1
data $spec_coro2 = const "T(i,i,i,i)\\00" align 1
data $zerodiv = const "division by zero\\00" align 1
"""


@dataclass
class Actor:
    """An async function `name` with `nargs` int arguments (%a0, %a1...), returning an i64 (%ret)."""

    name: str
    body: str
    nargs: int = 0
    line: int = 1


def _intern(dest: str, spec: str) -> str:
    return f"%{dest}: ptr = CALL $pyvm_type_intern($spec_{spec})"


def _actor_functions(a: Actor) -> str:
    n = a.name
    args = "\n".join(f"    %a{i}p: ptr = GEP %coro, i64 {i + 2}, 8, 24\n    %a{i}: i64 = LOAD %a{i}p, 8"
                     for i in range(a.nargs))
    body = "\n".join(("" if ln.strip().startswith("@") else "    ") + ln.strip()
                     for ln in a.body.strip().splitlines() if ln.strip())
    return f"""
data $name_{n} = const "{n}\\00" align 1

func ${n}.actor(%ctx: ptr, %arg: i64) -> void {{
@entry:
    %coro: ptr = INT2PTR %arg
{args}
    %frame: ptr = ALLOCA 32, 8
    %line: ptr = GEP %frame, i64 0, 1, 24
    %topp: ptr = GEP %ctx, i64 0, 1, 0
    %prev: ptr = LOAD %topp, 8
    STORE %prev, %frame, 8
    %fnp: ptr = GEP %frame, i64 0, 1, 8
    STORE $name_{n}, %fnp, 8
    %filep: ptr = GEP %frame, i64 0, 1, 16
    STORE $file, %filep, 8
    STORE i64 {a.line}, %line, 8
    STORE %frame, %topp, 8
    %ti: ptr = CALL $pyvm_type_intern($spec_i)
    %ts: ptr = CALL $pyvm_type_intern($spec_s)
    %tA: ptr = CALL $pyvm_type_intern($spec_A)
    %tP: ptr = CALL $pyvm_type_intern($spec_P)
{body}
    STORE %prev, %topp, 8
    CALL $pyvm_coro_return(%ti, %ret)
    RET
}}
"""


def program(*actors: Actor, extra: str = "") -> str:
    """A module: the actors, `main` (the first of them, no arguments) as the program's entry."""
    main = actors[0]
    text = 'module "t"\n' + DATA + EXTERNS + "".join(_actor_functions(a) for a in actors) + extra
    text += f"""
func $pyvm_program_main() -> i64 export {{
@entry:
    %t: ptr = CALL $pyvm_type_intern($spec_coro0)
    %coro: ptr = CALL $pyvm_tuple_new(%t, i64 2)
    %e: i64 = PTR2INT ${main.name}.actor
    %s0: ptr = GEP %coro, i64 0, 8, 24
    STORE %e, %s0, 8
    %c: i64 = PTR2INT %coro
    %status: i64 = CALL $pyvm_coro_run_main(%t, %c)
    RET %status
}}
"""
    return text


def spawn(dest: str, actor: str, *args: str) -> str:
    """KIR lines: %dest = spawn(actor(args...)) (int arguments)."""
    spec = f"coro{len(args)}"
    lines = [f"%{dest}.t: ptr = CALL $pyvm_type_intern($spec_{spec})",
             f"%{dest}.c: ptr = CALL $pyvm_tuple_new(%{dest}.t, i64 {len(args) + 2})",
             f"%{dest}.e: i64 = PTR2INT ${actor}.actor",
             f"%{dest}.s0: ptr = GEP %{dest}.c, i64 0, 8, 24",
             f"STORE %{dest}.e, %{dest}.s0, 8"]
    for i, a in enumerate(args):
        lines += [f"%{dest}.s{i + 2}: ptr = GEP %{dest}.c, i64 {i + 2}, 8, 24", f"STORE {a}, %{dest}.s{i + 2}, 8"]
    lines += [f"%{dest}.i: i64 = PTR2INT %{dest}.c",
              f"%{dest}: i64 = CALL $pyvm_coro_spawn(%{dest}.t, %{dest}.i)"]
    return "\n".join(lines)


def string(dest: str, text: str) -> tuple[str, str]:
    """(data line, KIR lines) making the str `text` in %dest."""
    data = text.encode()
    esc = "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\{b:02x}" for b in data)
    return (f'data $lit_{dest} = const "{esc}\\00" align 1\n',
            f"%{dest}: ptr = CALL $pyvm_str_from_utf8($lit_{dest}, i64 {len(data)})")


def print_box(box: str) -> str:
    return f"%{box}.str: ptr = CALL $pyvm_dyn_str(%{box})\nCALL $pyvm_print_str(%{box}.str)\nCALL $pyvm_print_newline()"


@dataclass
class Result:
    status: int
    out: str
    err: str


RUNNER = """
import sys
from pyvm.interp import run_program
from pyvm.kir import parse_module
from pyvm.toolchain.runtime_build import runtime_library
module = parse_module(open(sys.argv[1]).read())
sys.exit(run_program(module, libraries=[runtime_library("shared")]))
"""


def run(text: str, tmp_path: Path, timeout: float = 120, merged: bool = False) -> Result:
    """Runs the module with `run_program` in a fresh process (merged: stderr into stdout, in order)."""
    path = tmp_path / "prog.kir"
    path.write_text(text)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "compiler"))
    p = subprocess.run([sys.executable, "-c", RUNNER, str(path)], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT if merged else subprocess.PIPE, text=True,
                       timeout=timeout, env=env, cwd=ROOT)
    return Result(p.returncode, p.stdout, p.stderr or "")
