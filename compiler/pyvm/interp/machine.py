"""The KIR interpreter: `Interpreter` holds a loaded module (code, data, externs); `Thread` runs it.

An `Interpreter` is module-level state shared by every thread: compiled functions, data items (real
buffers), resolved externs and the interpreter's function addresses. A `Thread` is one explicit
stack of frames; `Thread.step(budget)` runs about `budget` instructions and returns, so several
threads can be run round-robin, and no KIR call ever recurses in Python.

A Python extern hook declared *suspending* (`Interpreter(..., suspending={"name"})`) may stop its
thread in the middle of the call: it raises `Suspend(request)`, `step` returns with `thread.pending`
(the call site) and `thread.request` set, the frame left at the call; the scheduler does whatever the
request asks (wait for a message, a timer...) and calls `thread.resume(value)`, which stores `value`
as the call's result and lets the next `step` continue after the call. Green threads (the actor
mode in `pyvm.interp.actors`) are built on this.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Callable, Iterable, Mapping

from pyvm.kir.ir import Data, Extern, Module
from pyvm.kir.semantics import Trap, as_float
from pyvm.kir.types import VOID, Type

from pyvm.interp import codegen
from pyvm.interp.codegen import RET, CallSite, FunctionCode
from pyvm.interp.errors import KirError, KirTrap, ProgramExit, Suspend, Where
from pyvm.interp.externs import (CodeAddressCheck, ExternEntry, c_function, find_c_symbol, load_library,
                                 missing_entry, normalizer, python_entry)
from pyvm.interp.memory import (FAKE_BASE, MASK64, MIN_ADDRESS, buffer_type, describe_bad_address,
                                make_atomic_ops, make_bulk_ops, new_buffer)

DEFAULT_MAX_DEPTH = 1_000_000
UNLIMITED = 1 << 62
BACKTRACE_ENDS = 8  # a trap's backtrace keeps this many frames at each end of a deep stack


def to_kir_value(t: Type, value):
    """A Python argument as a KIR value of type t (ints wrapped, f32 rounded, None as null)."""
    if t.is_int:
        return t.wrap(int(value))
    if t.is_float:
        return as_float(t, float(value))
    if t.is_ptr:
        return int(value or 0) & MASK64
    raise KirError(f"no value has type {t}")


class Thread:
    """One interpreted thread of control: a stack of frames, run by `step` and `run`.

    A frame is its register list (see codegen): r[0] the ALLOCA buffers it owns (freed when it
    returns), r[1] its FunctionCode, r[2] the CallSite it returns to, then the register slots. The
    top frame resumes at segment `self.pc`; every other frame at its callee's `r[2].cont`.
    """

    def __init__(self, interp: "Interpreter", function: str, args: Iterable = (), name: str | None = None):
        code = interp.function_code(function)
        if code is None:
            raise KirError(f"no function ${function} in module {interp.module.name!r}")
        args = list(args)
        if len(args) != len(code.params):
            raise KirError(f"${function} takes {len(code.params)} arguments, got {len(args)}")
        interp.ensure_compiled(code)
        values = [to_kir_value(t, a) for t, a in zip(code.params, args)]
        self.interp = interp
        self.name = name or function
        self.frames: list[list] = [[None, code, None, *values, *code.pad]]
        self.pc = 0
        self.steps = 0  # instructions run so far
        self.done = False
        self.result = None
        self.trap: BaseException | None = None
        self.pending: CallSite | None = None  # the suspended extern call, until resume()
        self.request = None  # what the suspending hook asked for (Suspend.request)

    def __repr__(self) -> str:
        state = ("done" if self.done else "trapped" if self.trap else "suspended" if self.pending
                 else f"depth {len(self.frames)}")
        return f"<Thread {self.name} {state}, {self.steps} steps>"

    def stack(self) -> list[Where]:
        """Where each frame is, innermost first (the top frame at the segment it runs next)."""
        if not self.frames:
            return []
        return [self._top_where(), *self._backtrace(limit=False)]

    # -- running --
    def run(self, max_steps: int | None = None):
        """Run to the end and return the function's result. Past max_steps (default: the
        interpreter's), trap."""
        limit = self.interp.max_steps if max_steps is None else max_steps
        while not self.done:
            if self.pending is not None:
                raise KirError(f"thread {self.name} suspended at {self._pending_name()}: run() cannot "
                               f"wait for it (resume it, or use step())")
            if limit is None:
                self.step(UNLIMITED)
                continue
            remaining = limit - self.steps
            if self.frames[-1][1].costs[self.pc] > remaining:
                self._fail(KirTrap(f"step budget of {limit} instructions exceeded", self._top_where(),
                                   self._backtrace()))
            self.step(remaining)
        return self.result

    def step(self, budget: int) -> bool:
        """Run about `budget` instructions and return True once the thread has ended.

        Threads stop only between segments (straight-line runs ending at a call or a terminator),
        never inside one, so a step may stop short of `budget`; to guarantee progress it always runs
        at least one segment when budget > 0, even a longer one. `steps` counts what really ran."""
        if self.done:
            return True
        if self.trap is not None:
            raise KirError(f"thread {self.name} trapped already") from self.trap
        if self.pending is not None:
            raise KirError(f"thread {self.name} is suspended at {self._pending_name()}: resume() it first")
        frames = self.frames
        r = frames[-1]
        code = r[1]
        segs, costs = code.segs, code.costs
        pc = self.pc
        left = budget
        interp = self.interp
        max_depth = interp.max_depth
        try:
            while True:
                left -= costs[pc]
                if left < 0 and (left + costs[pc] < budget or budget <= 0):
                    left += costs[pc]
                    self.pc = pc
                    return False
                res = segs[pc](r)
                cls = res.__class__
                if cls is int:
                    pc = res
                    continue
                if cls is list:  # a direct call: res is the callee's frame
                    if len(frames) >= max_depth:
                        raise _At(res[2], f"stack overflow: more than {max_depth} nested calls")
                    callee = res[1]
                    if callee.segs is None:
                        interp.ensure_compiled(callee)
                    frames.append(res)
                    r, code = res, callee
                    segs, costs = code.segs, code.costs
                    pc = 0
                    continue
                if res is None:  # generated code raises for this itself; kept as a safety net
                    raise _At(code.seg_where[pc], "fell off the end of a block without a terminator")
                site = res[0]
                if site is RET:
                    site = r[2]
                    frames.pop()
                    if site is None:
                        self.result, self.done, self.pc = res[1], True, 0
                        return True
                    r = frames[-1]
                    code = r[1]
                    segs, costs = code.segs, code.costs
                    pc = site.cont
                    if site.dest:
                        r[site.dest] = res[1]
                    continue
                # an indirect call: (site, args, address)
                try:
                    callee = interp.indirect_target(site, res[2], res[1])
                except Suspend as exc:  # a suspending hook: stop at the call, resume() finishes it
                    self.pending, self.request = site, exc.request
                    self.pc = site.cont
                    return False
                except Trap as exc:
                    raise _At(site, str(exc)) from None
                except Exception as exc:
                    exc.add_note(f"while interpreting {site.code.where(site.block, site.index)}")
                    raise
                if callee.__class__ is not FunctionCode:  # called already (a C or Python extern)
                    pc = site.cont
                    if site.dest:
                        r[site.dest] = callee
                    continue
                if len(frames) >= max_depth:
                    raise _At(site, f"stack overflow: more than {max_depth} nested calls")
                if callee.segs is None:
                    interp.ensure_compiled(callee)
                r = [None, callee, site, *res[1], *callee.pad]
                frames.append(r)
                code = callee
                segs, costs = code.segs, code.costs
                pc = 0
        except Exception as exc:
            self.pc = pc
            self._fail(self._located(exc, code, pc))
        finally:
            self.steps += budget - left

    def resume(self, value=None) -> None:
        """Finish the suspended extern call with `value` as its result (converted to the call's
        type; ignored for void); the next `step` continues after the call."""
        site = self.pending
        if site is None:
            raise KirError(f"thread {self.name} is not suspended")
        self.pending = self.request = None
        if site.dest:
            self.frames[-1][site.dest] = normalizer(site.sig[1])(value)

    def _pending_name(self) -> str:
        site = self.pending
        return str(site.code.where(site.block, site.index)) if site is not None else "?"

    # -- traps --
    def _fail(self, exc: BaseException):
        self.trap = exc
        raise exc

    def _located(self, exc: BaseException, code: FunctionCode, pc: int) -> BaseException:
        """A KirTrap naming the instruction for a Trap; other exceptions get the location as a note."""
        if isinstance(exc, Suspend):
            where = code.where(*code.seg_where[pc])
            return KirError(f"an extern not declared suspending raised Suspend (in the segment at {where})")
        if isinstance(exc, (KirTrap, ProgramExit)) or any(
                n.startswith("while interpreting") for n in getattr(exc, "__notes__", ())):
            return exc
        place = None
        if isinstance(exc, _At):
            place = exc.place
            if isinstance(place, CallSite):
                code, place = place.code, (place.block, place.index)
        else:
            tb = exc.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == code.filename:
                    place = code.line_where[tb.tb_lineno - 1]
                tb = tb.tb_next
            if place is None:  # not raised by generated code: say which segment was running
                place = code.seg_where[pc]
        where = code.where(*place)
        if isinstance(exc, Trap):
            trap = KirTrap(str(exc), where, self._backtrace())
            trap.__cause__ = None if isinstance(exc, _At) else exc
            return trap
        exc.add_note(f"while interpreting {where}")
        return exc

    def _top_where(self) -> Where:
        code = self.frames[-1][1]
        return code.where(*code.seg_where[self.pc])

    def _backtrace(self, limit: bool = True) -> tuple[Where | None, ...]:
        """Callers of the top frame, innermost first; a deep stack keeps its two ends."""
        sites = [r[2] for r in reversed(self.frames) if r[2] is not None]
        if limit and len(sites) > 2 * BACKTRACE_ENDS:
            picked = sites[:BACKTRACE_ENDS] + [None] + sites[-BACKTRACE_ENDS:]
        else:
            picked = sites
        return tuple(None if s is None else s.code.where(s.block, s.index) for s in picked)


class _At(Trap):
    """A trap the driver raises itself, with the (block, index) it belongs to."""

    def __init__(self, place, message: str):
        super().__init__(message)
        self.place = place


class Interpreter:
    """A KIR module loaded for interpretation.

        interp = Interpreter(module, libraries=["libpyvm_rt.so"], externs={"hook": fn})
        interp.call("main", [1, 2])

    Externs resolve by name, first in `externs` (Python callables taking and returning KIR values:
    ints, floats, pointers as ints), then in `libraries` (paths, ctypes.CDLL objects, or None for the
    process itself), in order. An extern found nowhere traps when called. `max_steps` bounds the
    instructions of one `call` (None: no bound); `max_depth` bounds nested KIR calls.

    `suspending` names Python externs that may suspend their thread (raise `Suspend`; see Thread).
    `c_caller(addr, params, ret)`, when given, makes the callable for every C function the program
    calls (externs and C function pointers) instead of a plain ctypes call (actor mode's guard).
    """

    def __init__(self, module: Module, libraries: Iterable = (), externs: Mapping[str, Callable] | None = None,
                 *, max_steps: int | None = None, max_depth: int = DEFAULT_MAX_DEPTH, verify: bool = True,
                 suspending: Iterable[str] = (), c_caller: Callable | None = None):
        if verify:
            from pyvm.kir.verifier import verify as verify_module
            verify_module(module)
        self.module = module
        self.libraries = [load_library(lib) for lib in libraries]
        self.python_externs = dict(externs or {})
        self.suspending = frozenset(suspending)
        self.c_caller = c_caller or c_function
        self.max_steps, self.max_depth = max_steps, max_depth
        self._fake: dict[int, object] = {}  # interpreter address -> FunctionCode | ExternEntry
        self._next_fake = FAKE_BASE
        self._code: dict[str, FunctionCode] = {}
        for fn in module.functions:
            self._code[fn.name] = FunctionCode(fn, self._new_fake_address())
            self._fake[self._code[fn.name].address] = self._code[fn.name]
        self._externs_decl: dict[str, Extern] = {e.name: e for e in module.externs}
        self._extern_entries: dict[str, ExternEntry] = {}
        self._data_buffers: dict[str, object] = {}
        self._data_address: dict[str, int] = {}
        for d in module.data:
            self._allocate_data(d)
        self._c_calls: dict[tuple, Callable] = {}
        self._code_check = CodeAddressCheck()
        self.namespace = self._namespace()

    # -- symbols --
    def _new_fake_address(self) -> int:
        addr = self._next_fake
        self._next_fake += 16
        return addr

    def _allocate_data(self, d: Data) -> None:
        size = len(d.content) if d.kind == "const" else d.size
        align = max(1, d.align)
        buf, addr = new_buffer(buffer_type(size, align), align)
        if d.kind == "const" and d.content:
            ctypes.memmove(addr, d.content, len(d.content))
        self._data_buffers[d.name] = buf
        self._data_address[d.name] = addr

    def function_code(self, name: str) -> FunctionCode | None:
        return self._code.get(name)

    def layout(self, code: FunctionCode) -> int:
        """How many register slots the function's frames have (laid out once, without compiling)."""
        if code.nslots is None:
            codegen.FunctionCompiler(self, code).layout()
        return code.nslots

    def ensure_compiled(self, code: FunctionCode) -> FunctionCode:
        if code.segs is None:
            codegen.FunctionCompiler(self, code).compile()
        return code

    def extern_entry(self, name: str) -> ExternEntry | None:
        """The resolved extern `name` (None when the module declares no such extern)."""
        entry = self._extern_entries.get(name)
        if entry is not None:
            return entry
        decl = self._externs_decl.get(name)
        if decl is None:
            return None
        if name in self.python_externs:
            entry = python_entry(name, decl.params, decl.ret, self.python_externs[name],
                                 name in self.suspending)
        else:
            addr = find_c_symbol(self.libraries, name)
            if addr is not None:
                entry = ExternEntry(name, decl.params, decl.ret, self.c_caller(addr, decl.params, decl.ret),
                                    addr, "c")
            else:
                searched = ("not given as a Python extern and not found in "
                            + (", ".join(getattr(lib, "_name", "?") or "the process" for lib in self.libraries)
                               or "any library (none loaded)"))
                entry = missing_entry(name, decl.params, decl.ret, searched)
        if entry.address is None:
            entry.address = self._new_fake_address()
            self._fake[entry.address] = entry
        self._extern_entries[name] = entry
        return entry

    def symbol_address(self, name: str) -> int | None:
        """The value of `$name`: a data item's real address, a function's interpreter address, an
        extern's C address (or interpreter address for Python and unresolved externs)."""
        addr = self._data_address.get(name)
        if addr is not None:
            return addr
        code = self._code.get(name)
        if code is not None:
            return code.address
        entry = self.extern_entry(name)
        return entry.address if entry is not None else None

    def symbol_at(self, addr: int) -> str | None:
        """The function or extern whose interpreter address is addr."""
        target = self._fake.get(addr)
        return target.name if target is not None else None

    def allow_code_address(self, addr: int) -> None:
        """Let indirect calls reach a C function outside every loaded library (a ctypes callback)."""
        self._code_check.allow(addr)

    # -- calls --
    def indirect_target(self, site, addr: int, args: list):
        """A FunctionCode to push, or, for an extern or a C pointer, the call's result."""
        target = self._fake.get(addr)
        params, ret = site.sig
        if target.__class__ is FunctionCode:
            if target.sig != site.sig:
                raise Trap(f"indirect call of ${target.name} ({_sig_text(target.sig)}) as "
                           f"({_sig_text(site.sig)})")
            return target
        if target is not None:  # an extern's interpreter address
            if (list(params), ret) != (target.params, target.ret):
                raise Trap(f"indirect call of extern ${target.name} ({_sig_text((target.params, target.ret))}) "
                           f"as ({_sig_text(site.sig)})")
            result = target.call(*args)
        else:
            if not MIN_ADDRESS <= addr < FAKE_BASE:
                raise Trap(describe_bad_address(addr, 1, "indirect call", self.symbol_at))
            if not self._code_check(addr):
                raise Trap(f"indirect call to {addr:#x}, which is not code of any loaded library")
            key = (addr, site.sig)
            fn = self._c_calls.get(key)
            if fn is None:
                fn = self._c_calls[key] = self.c_caller(addr, params, ret)
            result = fn(*args)
        return None if ret == VOID else result

    def spawn(self, function: str, args: Iterable = (), name: str | None = None) -> Thread:
        """A new thread that will run function(args); run it with .step() or .run()."""
        return Thread(self, function, args, name)

    def call(self, function: str, args: Iterable = (), *, max_steps: int | None = None):
        """Run function(args) to its end on a new thread and return its result (None for void)."""
        return Thread(self, function, args).run(max_steps)

    def call_extern(self, name: str, args: Iterable = (), params: Iterable[Type] = (), ret: Type = VOID):
        """Call a symbol as an extern, by name, whether the module declares it or not (None if absent)."""
        if name in self._externs_decl:
            return self.extern_entry(name).call(*args)
        if name in self.python_externs:
            return self.python_externs[name](*args)
        addr = find_c_symbol(self.libraries, name)
        if addr is None:
            return None
        return c_function(addr, list(params), ret)(*args)

    def has_symbol(self, name: str) -> bool:
        return name in self.python_externs or find_c_symbol(self.libraries, name) is not None

    # -- generated code's helpers --
    def _namespace(self) -> dict[str, object]:
        ns = codegen.base_namespace(self)
        names = self.symbol_at

        def _bad(addr, align, what):
            raise Trap(describe_bad_address(addr, align, what, names))

        def _alloca(r, array_type, align, size):
            try:
                buf = array_type()
            except MemoryError:
                raise Trap(f"ALLOCA of {size} bytes: out of memory") from None
            owned = r[0]
            if owned is None:
                r[0] = [buf]
            else:
                owned.append(buf)
            return (ctypes.addressof(buf) + align - 1) & -align

        ns["_bad"], ns["_alloca"] = _bad, _alloca
        ns["_memset"], ns["_memcpy"] = make_bulk_ops(names)
        ns["_rmw"], ns["_cmpxchg"] = make_atomic_ops(names)
        return ns

    # -- memory, for hooks and tests --
    def data_address(self, name: str) -> int:
        return self._data_address[name]


def _sig_text(sig) -> str:
    params, ret = sig
    return f"({', '.join(map(str, params))}) -> {ret}"


def default_libraries() -> list:
    """The C runtime as a shared library, when the toolchain can provide it."""
    try:
        from pyvm.toolchain.runtime_build import runtime_library
    except ImportError:
        return []
    return [runtime_library("shared")]


def run_program(module: Module, *, libraries: Iterable | None = None,
                externs: Mapping[str, Callable] | None = None, max_steps: int | None = None,
                verify: bool = True) -> int:
    """Run a whole program: the runtime's `pyvm_rt_init` (when present), `pyvm_program_main` (an i64
    exit status), then `pyvm_flush` (when present, also after a trap). Returns the exit status.
    A module declaring any `pyvm_coro_*` extern is an actor program: `pyvm.interp.actors` runs it."""
    libs = default_libraries() if libraries is None else list(libraries)
    if any(e.name.startswith("pyvm_coro_") for e in module.externs):  # an actor program
        from pyvm.interp.actors import run_actor_program
        return run_actor_program(module, libs, externs, max_steps=max_steps, verify=verify)
    interp = Interpreter(module, libs, externs, max_steps=max_steps, verify=verify)
    if interp.function_code("pyvm_program_main") is None:
        raise KirError("the module has no function $pyvm_program_main")
    if interp.has_symbol("pyvm_rt_init"):
        interp.call_extern("pyvm_rt_init")
    try:
        status = interp.call("pyvm_program_main")
    except ProgramExit as exc:
        status = exc.status
    finally:
        sys.stdout.flush()
        if interp.has_symbol("pyvm_flush"):
            interp.call_extern("pyvm_flush")
    return int(status or 0)
