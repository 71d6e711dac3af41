"""Actor programs in the KIR interpreter: green threads over `interp.Thread`, on the plain `pyvm`
actor system (see hooks.py for the design, guard.py for C raises, bridge.py for C values).

    from pyvm.interp.actors import run_actor_program
    status = run_actor_program(module, libraries=[runtime_library("shared")])

`machine.run_program` calls it when the module declares any `pyvm_coro_*` extern.
"""

from __future__ import annotations

import sys
from typing import Callable, Iterable, Mapping

from pyvm.kir.ir import Module

from pyvm.interp.actors.guard import CRaise
from pyvm.interp.actors.hooks import SLICE, SUSPENDING, ActorRuntime
from pyvm.interp.errors import KirError, ProgramExit
from pyvm.interp.externs import load_library


def is_actor_program(module: Module) -> bool:
    return any(e.name.startswith("pyvm_coro_") for e in module.externs)


def run_actor_program(module: Module, libraries: Iterable, externs: Mapping[str, Callable] | None = None,
                      *, max_steps: int | None = None, verify: bool = True, slice_: int = SLICE) -> int:
    """Run a whole actor program (`pyvm_program_main`, which calls `pyvm_coro_run_main`) and return
    its exit status. Every C call is guarded (guard.py); `externs` override the actor hooks."""
    from pyvm.interp.machine import Interpreter

    libs = [load_library(lib) for lib in libraries]
    runtime = next((lib for lib in libs if _has(lib, "pyvm_guard_call_u64")), None)
    if runtime is None:
        raise KirError("an actor program needs the C runtime (no loaded library has pyvm_guard_call_u64)")
    rt = ActorRuntime(runtime, slice_)
    hooks = rt.externs()
    hooks.update(externs or {})
    interp = Interpreter(module, libs, hooks, max_steps=max_steps, verify=verify, suspending=SUSPENDING,
                         c_caller=rt.guard.caller)
    rt.interp = interp
    if interp.function_code("pyvm_program_main") is None:
        raise KirError("the module has no function $pyvm_program_main")
    if interp.has_symbol("pyvm_rt_init"):
        interp.call_extern("pyvm_rt_init")
    try:
        status = interp.call("pyvm_program_main")
    except CRaise as exc:  # outside actors: the traceback is written already (guard.py)
        status = 1 if exc.exit_status is None else exc.exit_status
    except ProgramExit as exc:
        status = exc.status
    finally:
        sys.stdout.flush()
        rt.bridge.flush()
    return int(status or 0) & 0xFF


def _has(lib, name: str) -> bool:
    try:
        lib[name]
    except AttributeError:
        return False
    return True


__all__ = ["run_actor_program", "is_actor_program", "ActorRuntime", "CRaise", "SUSPENDING"]
