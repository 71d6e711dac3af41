"""The interpreter's actors: one `interp.Thread` per actor, run by the plain `pyvm` actor system.

Every interpreted actor is an asyncio coroutine (`ActorRuntime.actor_main`) that the actor system of
`pyvm.plain.system` runs as an actor: it steps the actor's Thread `SLICE` instructions at a time and
yields to the loop between slices (FIFO, one OS thread, a virtual clock: deterministic). A blocking
extern (receive, sleep, gather) is a *suspending* hook: it raises `Suspend(request)`, the Thread
stops at the call, the coroutine awaits the system's primitive and resumes the Thread with the result.
Mailboxes, links, monitors, registry, timers and supervisors are the plain system's; the non-blocking
hooks call it directly (the running actor is the calling asyncio task).

Per actor: its own `pyvm_tstate` (real memory: compiled code gets it as every function's first
argument) and its own heap (collection off), both made current before its Thread runs, together with
its crash banner for the guard. A raise in C (or `pyvm_raise` from KIR) is reported by the runtime on
stderr (`Actor <pid 0.N> crashed:`, the traceback of the actor's shadow frames, the last line) and
ends the actor alone with the reason "Name: message" (ActorCrashed, already reported).

Values: coroutines, messages and results cross between actors as envelopes (`bridge.CMessage`), decoded
in the receiver's heap; ChildSpec/Supervisor values are handles to the plain module's objects.
"""

from __future__ import annotations

import asyncio
import ctypes
import sys
from typing import Callable

from pyvm.kir.types import I1, PTR

from pyvm.interp.actors.bridge import OBJ_TYPE_OFFSET, Bridge, CMessage, _u64
from pyvm.interp.actors.guard import CRaise, Guard
from pyvm.interp.codegen import FunctionCode
from pyvm.interp.errors import KirError, Suspend
from pyvm.plain.clock import ActorLoop
from pyvm.plain.pid import Pid
from pyvm.plain.system import ActorCrashed, ActorExit, ActorSystem

SLICE = 2000  # instructions an actor runs before the others get their turn
# virtual time a spent slice costs (runtime/sched/sched.c DET_SLICE_NS): a sleeper beside busy actors wakes
SLICE_VIRTUAL_SECONDS = 50e-6
HANDLE_BASE = 0x7E00_0000_0000  # ChildSpec / Supervisor handles (never dereferenced by C)
RESTARTS = ("permanent", "transient", "temporary")
STRATEGIES = ("one_for_one", "one_for_all", "rest_for_one")

# Hooks that may suspend the calling Thread (the rest return at once).
SUSPENDING = frozenset({"pyvm_coro_gather", "pyvm_act_receive", "pyvm_act_receive_where", "pyvm_act_sleep"})


def _pid(serial: int) -> Pid | None:
    return Pid(serial) if serial else None


def _serial(pid: Pid | None) -> int:
    return pid.serial if pid is not None else 0


class InterpActor:
    """One interpreted actor: its coroutine (an envelope until it starts), Thread, tstate and heap."""

    __slots__ = ("coro", "want_result", "pid", "banner", "heap", "tsbuf", "ts", "thread", "result")

    def __init__(self, coro: CMessage, want_result: bool = False):
        self.coro, self.want_result = coro, want_result
        self.pid = self.banner = self.thread = self.result = None
        self.heap = self.ts = 0
        self.tsbuf = None


class _CStdout:
    """sys.stdout while the actor system runs: Python-side text goes through the C runtime's buffer,
    so it interleaves with the program's output exactly."""

    def __init__(self, bridge: Bridge, real):
        self.bridge, self.real = bridge, real
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        self.bridge.print_text(text)
        return len(text)

    def flush(self) -> None:
        self.bridge.flush()

    def isatty(self) -> bool:
        return False


class ActorRuntime:
    """The hooks (`externs()`), the per-actor switching and the actor coroutine."""

    def __init__(self, lib, slice_: int = SLICE):
        self.lib = lib
        self.guard = Guard(lib)
        self.bridge = Bridge(lib, self.guard)
        self.guard.exit_status_of = lambda: self.bridge.exit_status(self.bridge.tstate())
        self.slice = slice_
        self.interp = None  # set once the Interpreter exists (it needs these hooks first)
        self.system: ActorSystem | None = None
        self.loop: ActorLoop | None = None
        self.active: InterpActor | None = None
        self.by_pid: dict[int, InterpActor] = {}
        self.handles: list = []
        self.internal_errors: list[BaseException] = []

    # ---- the externs ----
    def externs(self) -> dict[str, Callable]:
        return {
            "pyvm_coro_run_main": self.coro_run_main,
            "pyvm_coro_spawn": self.coro_spawn,
            "pyvm_coro_gather": self.coro_gather,
            "pyvm_coro_return": self.coro_return,
            "pyvm_act_send": self.act_send,
            "pyvm_act_receive": self.act_receive,
            "pyvm_act_receive_where": self.act_receive_where,
            "pyvm_act_sleep": self.act_sleep,
            "pyvm_act_self": self.act_self,
            "pyvm_act_monitor": lambda pid: self.system.monitor(_pid(pid)),
            "pyvm_act_demonitor": lambda ref: self.system.demonitor(ref, True),
            "pyvm_act_link": lambda pid: self.system.link(_pid(pid)),
            "pyvm_act_unlink": lambda pid: self.system.unlink(_pid(pid)),
            "pyvm_act_trap_exit": lambda on: self.system.trap_exit(bool(on)),
            "pyvm_act_kill": lambda pid, reason: self.system.kill(_pid(pid), self.bridge.str_text(reason)),
            "pyvm_act_exit": self.act_exit,
            "pyvm_act_register": lambda name, pid: self.system.register(self.bridge.str_text(name), _pid(pid)),
            "pyvm_act_whereis": lambda name: _serial(self.system.whereis(self.bridge.str_text(name))),
            "pyvm_act_safepoint": lambda: None,  # the scheduler slices by instruction count
            "pyvm_safepoint": lambda: None,
            "pyvm_sup_child": self.sup_child,
            "pyvm_sup_child_sup": self.sup_child_sup,
            "pyvm_sup_spec": self.sup_spec,
            "pyvm_sup_start": self.sup_start,
            "pyvm_sup_which_child": lambda sup, id: _serial(self._sup_call("which_child", sup, id)),
            "pyvm_sup_terminate_child": lambda sup, id: self._sup_call("terminate_child", sup, id),
            "pyvm_sup_restart_child": lambda sup, id: self._sup_call("restart_child", sup, id),
            "pyvm_sup_delete_child": lambda sup, id: self._sup_call("delete_child", sup, id),
            "pyvm_sup_count_children": lambda sup: self._sup().count_children(_pid(sup)),
        }

    # ---- switching actors ----
    def activate(self, act: InterpActor) -> None:
        if self.active is not act:
            self.active = act
            self.bridge.set_heap(act.heap)
            self.bridge.set_tstate(act.ts)
            self.guard.use_banner(act.banner)

    def _resume(self, a) -> None:
        act = self.by_pid.get(a.pid.serial)
        if act is not None:
            self.activate(act)

    def deactivate(self) -> None:
        self.active = None
        self.bridge.set_heap(None)
        self.bridge.set_tstate(None)
        self.guard.use_banner(None)

    def current(self) -> InterpActor:
        a = self.system.current() if self.system is not None else None
        act = self.by_pid.get(a.pid.serial) if a is not None else None
        if act is None:
            raise KirError("an actor extern was called outside an interpreted actor")
        return act

    # ---- the actor coroutine ----
    def coroutine_message(self, coro: int) -> CMessage:
        """A coroutine value (tuple T(i,i,A..)) copied into an envelope, by its own header type."""
        return self.bridge.encode(_u64(coro + OBJ_TYPE_OFFSET), coro)

    async def actor_main(self, act: InterpActor):
        system, bridge = self.system, self.bridge
        me = system.current()
        act.pid = me.pid
        self.by_pid[me.pid.serial] = act
        act.banner = self.guard.banner_buffer(f"Actor {me.pid!r} crashed:")
        act.heap = bridge.heap_new()
        act.tsbuf, act.ts = bridge.tstate_new()
        try:
            self.activate(act)
            _, coro = bridge.decode(act.coro)
            entry = self.interp._fake.get(bridge.tuple_item(coro, 0))
            if entry.__class__ is not FunctionCode:
                raise KirError(f"coroutine entry {bridge.tuple_item(coro, 0):#x} is not a KIR function")
            thread = act.thread = self.interp.spawn(entry.name, [act.ts, coro], name=f"actor {me.pid!r}")
            while True:
                self.activate(act)
                if thread.step(self.slice):
                    return act.result
                if thread.pending is not None:
                    value = await self.serve(act, thread.request)
                    thread.resume(value)
                else:  # the slice is spent: CPU work moves the virtual clock, as in the native runtime
                    self.loop.advance(SLICE_VIRTUAL_SECONDS)
                    await asyncio.sleep(0)
        except CRaise as exc:
            if exc.exit_status is not None:
                status = exc.exit_status & 0xFF
                raise ActorExit("normal" if status == 0 else f"exit status {status}") from None
            raise ActorCrashed(exc.reason, already_reported=exc.reported) from None
        except (ActorExit, ActorCrashed, asyncio.CancelledError):
            raise
        except Exception as exc:  # a trap or a PyVM bug: stop the whole run, re-raised after it
            self._internal(exc)
            raise ActorCrashed(f"{type(exc).__name__}: {exc}", already_reported=True) from None
        finally:
            if self.active is act:
                self.deactivate()
            self.by_pid.pop(me.pid.serial, None)
            act.thread = None
            bridge.heap_free(act.heap)
            act.heap = 0

    async def serve(self, act: InterpActor, request):
        """Carries out a suspended Thread's request; the value becomes the extern call's result."""
        system, bridge = self.system, self.bridge
        kind = request[0]
        if kind == "receive":
            found, m = await system.receive_match(None, request[1])
            self.activate(act)
            return bridge.message_box(m) if found else bridge.box(bridge.none_type, 0)
        if kind == "receive_where":
            _, pred, env, timeout = request
            test = self._predicate(act, pred, env)
            found, m = await system.receive_match(test, timeout)
            self.activate(act)
            return bridge.message_box(m) if found else bridge.box(bridge.none_type, 0)
        if kind == "sleep":
            await system.sleep(request[1])
            return None
        if kind == "gather":
            _, children, result_type = request
            try:
                results = await system.gather([self.actor_main(InterpActor(c, want_result=True))
                                               for c in children])
            except Exception as exc:  # a child crashed: the same exception, raised in this actor
                self.activate(act)
                bridge.raise_exception(type(exc).__name__, str(exc))
                raise
            self.activate(act)
            return bridge.list_from_slots(result_type, [bridge.decode(r)[1] for r in results])
        raise KirError(f"unknown actor request {request!r}")

    def _predicate(self, act: InterpActor, pred: int, env: int):
        """where= of a selective receive: runs the program's predicate (a KIR function, or C) on each
        candidate, decoded into this actor's heap once."""
        interp, bridge = self.interp, self.bridge
        target = interp._fake.get(pred)
        if target.__class__ is FunctionCode:
            def call(box):
                return interp.spawn(target.name, [act.ts, env, box], name="receive predicate").run()
        else:
            fn = self.guard.caller(pred, [PTR, PTR, PTR], I1)

            def call(box):
                return fn(act.ts, env, box)

        boxes: dict[int, tuple] = {}  # system tuples (Python values) boxed once each

        def box_of(m) -> int:
            if isinstance(m, CMessage):
                return bridge.message_box(m)  # decoded once, kept on the message
            hit = boxes.get(id(m))
            if hit is None or hit[0] is not m:
                hit = boxes[id(m)] = (m, bridge.message_box(m))
            return hit[1]

        def test(m) -> bool:
            self.activate(act)
            return bool(call(box_of(m)))

        return test

    # ---- coroutines ----
    def coro_run_main(self, coro_type: int, coro: int) -> int:
        """The program's `main()`: runs the actor system until main ends; 0, or 1 if it crashed."""
        bridge = self.bridge
        msg = self.coroutine_message(coro)
        outer = bridge.tstate()
        loop = self.loop = ActorLoop(virtual=True)
        self.system = ActorSystem(loop, trace_writer=lambda line: bridge.print_text(line + "\n"),
                                  crash_reporter=self._report_python_crash)
        # A blocking supervisor call runs other actors on the caller's Python stack (block_until): put
        # the caller's heap and tstate back before it continues.
        self.system.resume_hook = self._resume
        real_stdout = sys.stdout
        sys.stdout = _CStdout(bridge, real_stdout)
        try:
            status = self.system.run(self.actor_main(InterpActor(msg)))
        except RuntimeError:
            if not self.internal_errors:  # not the loop stopped by _internal
                raise
            status = 1
        finally:
            sys.stdout = real_stdout
            self.deactivate()
            bridge.set_tstate(outer)
            bridge.flush()
        if self.internal_errors:
            raise self.internal_errors[0]
        return status

    def _report_python_crash(self, pid: Pid, exc: BaseException) -> None:
        self._internal(exc)

    def _internal(self, exc: BaseException) -> None:
        """A KIR trap or a PyVM bug inside an actor: no program output after it; the run stops and
        coro_run_main re-raises it (as the sequential interpreter lets a trap through)."""
        self.internal_errors.append(exc)
        self.system.stopping = True
        self.system.loop.stop()

    def coro_spawn(self, coro_type: int, coro: int) -> int:
        return self.system.spawn(self.actor_main(InterpActor(self.coroutine_message(coro)))).serial

    def coro_gather(self, coros: int, result_list_type: int):
        children = [self.coroutine_message(c) for c in self.bridge.list_items(coros)]
        raise Suspend(("gather", children, result_list_type))

    def coro_return(self, t: int, v: int) -> None:
        act = self.current()
        if act.want_result:
            act.result = self.bridge.encode(t, v)

    # ---- messages ----
    def act_send(self, to: int, t: int, v: int) -> None:
        pid = _pid(to)
        if self.system.alive(pid):  # a dead pid drops the message: nothing to copy
            self.system.send(pid, self.bridge.encode(t, v))

    def act_receive(self, timeout: float):
        raise Suspend(("receive", None if timeout < 0 else timeout))

    def act_receive_where(self, pred: int, env: int, timeout: float):
        raise Suspend(("receive_where", pred, env, None if timeout < 0 else timeout))

    def act_sleep(self, seconds: float):
        raise Suspend(("sleep", seconds))

    def act_self(self) -> int:
        return _serial(self.system.self_pid())

    def act_exit(self, reason: int):
        raise ActorExit(self.bridge.str_text(reason) if reason else "normal")

    # ---- supervisors ----
    @staticmethod
    def _sup():
        from pyvm.plain import supervisor
        return supervisor

    def _sup_call(self, what: str, sup: int, id: int):
        return getattr(self._sup(), what)(_pid(sup), self.bridge.str_text(id))

    def _handle(self, obj) -> int:
        self.handles.append(obj)
        return HANDLE_BASE + 16 * (len(self.handles) - 1)

    def _object(self, handle: int):
        i, r = divmod(handle - HANDLE_BASE, 16)
        if r or not 0 <= i < len(self.handles):
            raise KirError(f"{handle:#x} is not a supervisor spec")
        return self.handles[i]

    def sup_child(self, id: int, coro_type: int, coro: int, restart: int, shutdown: float) -> int:
        sup = self._sup()
        template = self.coroutine_message(coro)  # kept for every (re)start: each gets a copy
        clone = self.lib.pyvm_message_clone
        clone.argtypes, clone.restype = [ctypes.c_void_p], ctypes.c_void_p

        def start():
            return self.actor_main(InterpActor(CMessage(clone(template.envelope))))

        start.__name__ = self.bridge.str_text(id)
        return self._handle(sup.ChildSpec(self.bridge.str_text(id), start, (), RESTARTS[restart], shutdown))

    def sup_child_sup(self, id: int, spec: int, restart: int) -> int:
        sup = self._sup()
        return self._handle(sup.ChildSpec(self.bridge.str_text(id), self._object(spec), (), RESTARTS[restart]))

    def sup_spec(self, children: int, strategy: int, max_restarts: int, within: float, name: int,
                 trace: int) -> int:
        sup = self._sup()
        specs = [self._object(h) for h in self.bridge.list_items(children)]
        return self._handle(sup.Supervisor(specs, strategy=STRATEGIES[strategy], max_restarts=max_restarts,
                                           within_seconds=within,
                                           name=self.bridge.str_text(name) if name else None,
                                           trace=bool(trace)))

    def sup_start(self, spec: int) -> int:
        return _serial(self._sup().start_supervisor(self._object(spec)))

