"""The actor system of the plain-Python `pyvm` module: Erlang-style actors on asyncio.

Semantics are the C runtime's (runtime/include/pyvm/actors.h, ACTORS.md); this module is also the
base the KIR interpreter's actors run on. INTERNAL API (stable; everything else here is private):

    system = ActorSystem(loop, trace_writer=None, crash_reporter=None)
        loop: a running-to-be asyncio loop, normally `clock.ActorLoop(virtual=...)`.
        trace_writer(line: str): how supervisors print their trace lines (default: print to
            sys.stdout, flushed). crash_reporter(pid: Pid, exc: BaseException): how an actor that
            raised is reported (default: `Actor <pid 0.N> crashed:` + traceback on stderr).
    status = system.run(coro)       blocking: runs coro as the first actor (main, pid 0.1) until it
                                    ends, then kills what is left; returns 0, or 1 if main ended with
                                    any reason but "normal" (or on a deadlock, reported on stderr).
    await system.run_main(coro)     the same from inside an already running loop.
    current_system()                the ActorSystem of the running `run`, or None.

  Actors (`owner` defaults to the calling actor; link/monitor are made with it, before the new actor
  can run; `on_return(value)` is called in the new actor with its coroutine's result if it returns):
    pid = system.spawn(coro, link=False, trap_exit=False, owner=None, on_return=None)
    pid, ref = system.spawn_monitor(coro, link=False, trap_exit=False, owner=None, on_return=None)
    system.current() -> Actor | None    system.self_pid() -> Pid | None    system.alive(pid) -> bool
    Inside an actor's coroutine, end the actor with a reason and no crash report:
        raise ActorExit(reason)                            ("normal", "shutdown", any text)
        raise ActorCrashed(reason, already_reported=True)  (a crash the caller already printed;
                                                            already_reported=False: printed here,
                                                            as `Actor <pid> crashed:` + reason)
    Any other exception crashes the actor: reported with crash_reporter, reason "Name: message".
    system.end_now(pid, reason): ends another actor at once (it must be suspended, as every actor but
    the running one is), notifying links/monitors; its coroutine later sees CancelledError.

  Messages: system.send(pid, msg) checks and deep-copies (copy.deepcopy) msg; a value whose class
    defines `__deepcopy__` is sendable as is and copied by it (return self: never copied: how the
    interpreter hands over its own message objects). system.send(pid, msg, copy=False) sends msg
    as is. Sends to None or a dead pid are dropped.
    await system.receive(timeout=None, where=None) -> message | None (None after the timeout;
        `where(msg) -> bool` selects, the others stay in order).
    await system.receive_match(pred, timeout=None) -> (found: bool, msg)  (no None ambiguity).
    await system.sleep(seconds)
    system.block_until(cond): a synchronous wait in the calling actor (for the language's non-awaited
        calls that wait, as supervisor calls do in C): runs the loop nested in the call (the other
        actors, timers, the clock) until cond() holds. Exit signals reach the caller meanwhile (a
        fatal one ends it at once: the call raises ActorExit). Then system.resume_hook(actor), if
        set, is called: other actors ran on this Python stack (the interpreter re-selects the
        caller's heap there). Costs a nested loop iteration per wake-up; calls avoid it when they
        can act at once.
  Signals, links, monitors, registry (the calling actor; Erlang semantics as actors.h says):
    system.link(pid), unlink(pid), monitor(pid) -> ref, demonitor(ref, flush=True) -> bool,
    trap_exit(on) -> previous, kill(pid, reason="kill"), register(name, pid) -> bool,
    whereis(name) -> Pid | None, unregister(name) -> bool.
    System messages: ("EXIT", pid, reason) for trapped exit signals, ("DOWN", ref, pid, reason).
  await system.gather(coros) -> list: ACTORS.md's gather (each coroutine a monitored actor; results
    in order; the first crashed child in list order re-raises: same exception type and message).
  Time: system.now() (the loop's clock: virtual under PYVM_DETERMINISTIC).
"""

from __future__ import annotations

import asyncio
import copy as _copy
import os
import sys
import traceback
from collections import deque
from typing import Any, Callable

from pyvm.plain.clock import ActorLoop, Deadlock
from pyvm.plain.messages import (ActorCrashed, ActorExit, check_sendable, copy_message,  # noqa: F401
                                 exception_from_reason, reason_for, same_exception)
from pyvm.plain.pid import Pid

_PLAIN_DIR = os.path.dirname(os.path.abspath(__file__))

_current_system: "ActorSystem | None" = None


def current_system() -> "ActorSystem | None":
    return _current_system


class _Signal:
    __slots__ = ("sender", "reason", "via_link")

    def __init__(self, sender: Pid | None, reason: str, via_link: bool) -> None:
        self.sender = sender
        self.reason = reason
        self.via_link = via_link


# ---- actors --------------------------------------------------------------------------------------

class Actor:
    """One actor's record. `inbox`: received-ready messages in order; `pending`: messages queued behind
    an exit signal that has not been processed yet (signals are handled in order, at the actor's next
    primitive, as the C runtime's drain does)."""

    __slots__ = ("pid", "system", "task", "inbox", "pending", "waiter", "trap_exit", "links",
                 "monitors", "watching", "name", "dead", "reason", "started", "doomed", "on_return",
                 "exception", "result", "blocking", "__weakref__")

    def __init__(self, system: "ActorSystem", pid: Pid, trap_exit: bool) -> None:
        self.pid = pid
        self.system = system
        self.task: asyncio.Task | None = None
        self.inbox: deque = deque()
        self.pending: deque = deque()
        self.waiter: asyncio.Future | None = None
        self.trap_exit = trap_exit
        self.links: dict[Pid, None] = {}
        self.monitors: dict[int, Pid] = {}   # ref -> watcher (monitors on this actor)
        self.watching: dict[int, Pid] = {}   # ref -> target (monitors this actor holds)
        self.name: str | None = None
        self.dead = False
        self.reason: str | None = None
        self.started = False
        self.doomed: str | None = None       # a fatal signal while not parked in a primitive
        self.on_return: Callable[[Any], None] | None = None
        self.exception: BaseException | None = None
        self.result: Any = None
        self.blocking = False                # in ActorSystem.block_until (its task on the stack)

    def __repr__(self) -> str:
        return f"<Actor {self.pid!r}{' dead' if self.dead else ''}>"

    # -- mailbox --
    def wake(self) -> None:
        w = self.waiter
        if w is not None and not w.done():
            w.set_result(None)

    def deliver(self, msg: Any) -> None:
        if self.dead:
            return
        (self.pending if self.pending else self.inbox).append(msg)
        self.wake()

    def signal(self, sig: _Signal, drain_now: bool = True) -> None:
        if self.dead:
            return
        self.pending.append(sig)
        if self.system.current() is self:
            if drain_now:
                self.drain()
            return
        self.wake()
        if self.blocking:
            # blocked in a synchronous call below other actors on the stack: a fatal signal ends it
            # now (links and monitors notified); block_until raises ActorExit when it resumes
            fatal = self._fatal_reason(sig)
            if fatal is not None:
                self.system._finish(self, fatal, drain=False)
            return
        if self.waiter is None and self.started and self.task is not None and not self.task.done():
            # suspended in something other than a pyvm primitive: interrupt it if the signal is fatal
            fatal = self._fatal_reason(sig)
            if fatal is not None and self.doomed is None:
                self.doomed = fatal
                self.task.cancel()

    def _fatal_reason(self, sig: _Signal) -> str | None:
        if not sig.via_link and sig.reason == "kill":
            return "killed"
        if self.trap_exit:
            return None
        if sig.reason == "normal" and sig.sender != self.pid:
            return None
        return sig.reason

    def drain(self) -> None:
        """Processes queued exit signals in order; raises ActorExit if one ends this actor."""
        while self.pending:
            item = self.pending.popleft()
            if type(item) is not _Signal:
                self.inbox.append(item)
                continue
            if not item.via_link and item.reason == "kill":
                self.pending.clear()
                raise ActorExit("killed")
            if self.trap_exit:
                self.inbox.append(("EXIT", item.sender, item.reason))
                continue
            if item.reason == "normal" and item.sender != self.pid:
                continue
            self.pending.clear()
            raise ActorExit(item.reason)


def _default_trace_writer(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _is_internal(filename: str) -> bool:
    return os.path.dirname(os.path.abspath(filename)) == _PLAIN_DIR


def default_crash_reporter(pid: Pid, exc: BaseException) -> None:
    """`Actor <pid 0.N> crashed:` then CPython's traceback without this package's frames, on stderr."""
    try:
        sys.stdout.flush()
    except Exception:
        pass
    te = traceback.TracebackException(type(exc), exc, exc.__traceback__)
    for t in _chain(te):
        t.stack = traceback.StackSummary.from_list([f for f in t.stack if not _is_internal(f.filename)])
    sys.stderr.write(f"Actor {pid!r} crashed:\n" + "".join(te.format()))
    sys.stderr.flush()


def _chain(te: traceback.TracebackException):
    seen = set()
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        yield te
        te = te.__cause__ or te.__context__


class _Done:
    """An awaitable that completes at once (what `send` returns)."""

    __slots__ = ()

    def __await__(self):
        return None
        yield  # pragma: no cover  (makes this a generator)


DONE = _Done()


class ActorSystem:
    def __init__(self, loop: asyncio.AbstractEventLoop | None = None,
                 trace_writer: Callable[[str], None] | None = None,
                 crash_reporter: Callable[[Pid, BaseException], None] | None = None) -> None:
        self.loop = loop
        self.trace_writer = trace_writer or _default_trace_writer
        self.crash_reporter = crash_reporter or default_crash_reporter
        self.actors: dict[int, Actor] = {}
        self.registry: dict[str, Pid] = {}
        self.next_serial = 1
        self.next_ref = 1
        self.by_task: dict[asyncio.Task, Actor] = {}
        self.stopping = False
        self.main: Actor | None = None
        self.supervisors: dict[int, Any] = {}  # serial -> supervisor state (pyvm.plain.supervisor)
        self.resume_hook: Callable[[Actor], None] | None = None  # see block_until
        self.deadlocked = False  # a deadlock found inside block_until

    # ---- lookup ----
    def current(self) -> Actor | None:
        try:
            task = asyncio.current_task()
        except RuntimeError:
            return None
        return self.by_task.get(task) if task is not None else None

    def need_current(self, what: str) -> Actor:
        a = self.current()
        if a is None:
            raise RuntimeError(f"{what} outside an actor")
        return a

    def self_pid(self) -> Pid | None:
        a = self.current()
        return a.pid if a is not None else None

    def lookup(self, pid: Pid | None) -> Actor | None:
        if pid is None:
            return None
        if not isinstance(pid, Pid):
            raise TypeError(f"expected a Pid, got {type(pid).__name__}")
        return self.actors.get(pid.serial)

    def alive(self, pid: Pid | None) -> bool:
        return self.lookup(pid) is not None

    def now(self) -> float:
        return self.loop.time() if self.loop is not None else asyncio.get_running_loop().time()

    def trace(self, line: str) -> None:
        if not self.stopping:
            self.trace_writer(line)

    # ---- spawning ----
    def spawn(self, coro, *, link: bool = False, trap_exit: bool = False, owner: Pid | None = None,
              on_return: Callable[[Any], None] | None = None) -> Pid:
        return self._spawn(coro, link, False, trap_exit, owner, on_return)[0]

    def spawn_monitor(self, coro, *, link: bool = False, trap_exit: bool = False, owner: Pid | None = None,
                      on_return: Callable[[Any], None] | None = None) -> tuple[Pid, int]:
        pid, ref = self._spawn(coro, link, True, trap_exit, owner, on_return)
        return pid, ref

    def _spawn(self, coro, link, monitor, trap_exit, owner, on_return):
        if not asyncio.iscoroutine(coro) and not hasattr(coro, "__await__"):
            raise TypeError(f"spawn() needs a coroutine (an async def function's call), got "
                            f"{type(coro).__name__}")
        parent = self.lookup(owner) if owner is not None else self.current()
        pid = Pid(self.next_serial)
        self.next_serial += 1
        a = Actor(self, pid, trap_exit)
        a.on_return = on_return
        self.actors[pid.serial] = a
        ref = 0
        if parent is not None:
            if link:
                a.links[parent.pid] = None
                parent.links[pid] = None
            if monitor:
                ref = self._new_ref()
                a.monitors[ref] = parent.pid
                parent.watching[ref] = pid
        loop = self.loop or asyncio.get_running_loop()
        a.task = loop.create_task(self._body(a, coro))
        self.by_task[a.task] = a
        return pid, ref

    def _new_ref(self) -> int:
        r = self.next_ref
        self.next_ref += 1
        return r

    async def _body(self, a: Actor, coro) -> None:
        a.started = True
        reason = "normal"
        try:
            if a.dead:
                _close(coro)
                return
            try:
                a.drain()  # killed before it ever ran
            except BaseException:
                _close(coro)
                raise
            result = await coro
            a.result = result
            if a.on_return is not None:
                a.on_return(result)
        except ActorExit as e:
            reason = e.reason
        except ActorCrashed as e:
            reason = e.reason
            if not e.already_reported and not self.stopping:
                self.crash_reporter(a.pid, e)
        except asyncio.CancelledError:
            if a.dead or self.stopping:
                return
            reason = a.doomed or "killed"
        except BaseException as e:
            reason = reason_for(e)
            if not isinstance(e, SystemExit):
                a.exception = e
                if not self.stopping:
                    self.crash_reporter(a.pid, e)
        finally:
            self.by_task.pop(a.task, None)
        if not a.dead:
            self._finish(a, reason)

    def end_now(self, pid: Pid, reason: str) -> bool:
        """Ends a suspended actor at once with `reason` (links and monitors notified now)."""
        a = self.lookup(pid)
        if a is None:
            return False
        if a is self.current():
            raise ActorExit(reason)
        self._finish(a, reason)
        if a.task is not None and a.started and not a.task.done():
            a.task.cancel()
        return True

    def _finish(self, a: Actor, reason: str, drain: bool = True) -> None:
        if a is self.main:
            self.stopping = True  # the program ends with main: nothing more is printed or reported
        a.dead = True
        a.reason = reason
        self.actors.pop(a.pid.serial, None)
        if a.name is not None and self.registry.get(a.name) == a.pid:
            del self.registry[a.name]
        links, a.links = a.links, {}
        monitors, a.monitors = a.monitors, {}
        watching, a.watching = a.watching, {}
        a.inbox.clear()
        a.pending.clear()
        if a is self.main:
            # the program ends: the others are cancelled without running again (C stops the run);
            # an exit signal to the linked would let them run on (a supervisor shutting down)
            links, monitors = {}, {}
        me = self.current()
        for pid in links:
            b = self.actors.get(pid.serial)
            if b is not None:
                b.links.pop(a.pid, None)
                b.signal(_Signal(a.pid, reason, True), drain_now=False)
        for ref, watcher in monitors.items():
            w = self.actors.get(watcher.serial)
            if w is not None:
                w.watching.pop(ref, None)
                w.deliver(("DOWN", ref, a.pid, reason))
        for ref, target in watching.items():
            t = self.actors.get(target.serial)
            if t is not None:
                t.monitors.pop(ref, None)
        if drain and me is not None and me is not a and me.pending:
            me.drain()  # a signal to the calling actor (end_now of an actor linked to it)

    # ---- messages ----
    def send(self, pid: Pid | None, msg: Any, copy: bool = True) -> _Done:
        if pid is not None and not isinstance(pid, Pid):
            raise TypeError(f"send() needs a Pid, got {type(pid).__name__}")
        value = copy_message(msg) if copy else msg
        a = self.lookup(pid)
        if a is not None:
            a.deliver(value)
        return DONE

    async def receive_match(self, pred: Callable[[Any], bool] | None = None,
                            timeout: float | None = None) -> tuple[bool, Any]:
        a = self.need_current("receive")
        loop = self.loop or asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + max(float(timeout), 0.0)
        scanned = 0
        while True:
            a.drain()
            inbox = a.inbox
            if pred is None:
                if inbox:
                    return True, inbox.popleft()
            else:
                n = len(inbox)
                while scanned < n:
                    m = inbox[scanned]
                    if pred(m):
                        del inbox[scanned]
                        return True, m
                    scanned += 1
            if deadline is not None and loop.time() >= deadline:
                return False, None
            await self._park(a, loop, deadline)

    async def _park(self, a: Actor, loop, deadline: float | None) -> None:
        fut = loop.create_future()
        a.waiter = fut
        handle = loop.call_at(deadline, _wake_future, fut) if deadline is not None else None
        try:
            await fut
        finally:
            a.waiter = None
            if handle is not None:
                handle.cancel()

    async def receive(self, timeout: float | None = None, where: Callable[[Any], bool] | None = None) -> Any:
        found, msg = await self.receive_match(where, timeout)
        return msg if found else None

    async def sleep(self, seconds: float) -> None:
        a = self.need_current("sleep")
        loop = self.loop or asyncio.get_running_loop()
        seconds = float(seconds)
        if seconds <= 0:
            a.drain()
            await asyncio.sleep(0)
            a.drain()
            return
        deadline = loop.time() + seconds
        while True:
            a.drain()
            if loop.time() >= deadline:
                return
            await self._park(a, loop, deadline)

    def block_until(self, cond: Callable[[], bool]) -> None:
        """A synchronous wait in the running actor: the loop runs nested here until cond() holds."""
        me = self.need_current("a blocking call")
        loop = self.loop or asyncio.get_running_loop()
        task = asyncio.current_task()
        pad = len(loop._ready)
        asyncio.tasks._leave_task(loop, task)
        me.blocking = True
        try:
            while True:
                if me.dead:
                    raise ActorExit(me.reason or "killed")
                me.drain()
                if cond():
                    return
                try:
                    if isinstance(loop, ActorLoop):
                        loop.step()
                    else:
                        loop._run_once()
                except Deadlock:
                    # nothing can wake anyone: stop the program, run() reports it
                    self.deadlocked = True
                    self.stopping = True
                    if self.main is not None and self.main is not me and self.main.task is not None:
                        self.main.task.cancel()
                    raise ActorExit("deadlock") from None
        finally:
            me.blocking = False
            asyncio.tasks._enter_task(loop, task)
            if not isinstance(loop, ActorLoop):
                # asyncio's own iteration pops the number of callbacks it counted before this one
                while len(loop._ready) < pad:
                    loop._ready.append(asyncio.Handle(_noop, (), loop))
            if self.resume_hook is not None:
                self.resume_hook(me)

    # ---- links, monitors, signals ----
    def link(self, pid: Pid) -> None:
        me = self.need_current("link")
        if pid == me.pid:
            return
        b = self.lookup(pid)
        if b is None:
            me.signal(_Signal(pid, "noproc", True))  # trapping: an EXIT message; otherwise ends me
            return
        me.links[pid] = None
        b.links[me.pid] = None

    def unlink(self, pid: Pid) -> None:
        me = self.need_current("unlink")
        me.links.pop(pid, None)
        b = self.lookup(pid)
        if b is not None:
            b.links.pop(me.pid, None)

    def monitor(self, pid: Pid) -> int:
        me = self.need_current("monitor")
        ref = self._new_ref()
        b = self.lookup(pid)
        if b is None:
            me.deliver(("DOWN", ref, pid, "noproc"))
            return ref
        b.monitors[ref] = me.pid
        me.watching[ref] = pid
        return ref

    def demonitor(self, ref: int, flush: bool = True) -> bool:
        me = self.need_current("demonitor")
        active = False
        target = me.watching.pop(ref, None)
        if target is not None:
            b = self.lookup(target)
            if b is not None and b.monitors.pop(ref, None) is not None:
                active = True
        if flush:
            me.drain()
            keep = [m for m in me.inbox if not (type(m) is tuple and len(m) == 4 and m[0] == "DOWN"
                                               and m[1] == ref and type(m[2]) is Pid)]
            if len(keep) != len(me.inbox):
                me.inbox = deque(keep)
        return active

    def trap_exit(self, on: bool) -> bool:
        me = self.need_current("trap_exit")
        old = me.trap_exit
        me.trap_exit = bool(on)
        return old

    def kill(self, pid: Pid, reason: str = "kill") -> None:
        if not isinstance(reason, str):
            raise TypeError("kill() reason must be a str")
        b = self.lookup(pid)
        if b is not None:
            b.signal(_Signal(self.self_pid(), reason, False))

    # ---- registry ----
    def register(self, name: str, pid: Pid) -> bool:
        if not isinstance(name, str):
            raise TypeError("register() name must be a str")
        b = self.lookup(pid)
        if name in self.registry or b is None or b.name is not None:
            return False
        self.registry[name] = pid
        b.name = name
        return True

    def whereis(self, name: str) -> Pid | None:
        return self.registry.get(name)

    def unregister(self, name: str) -> bool:
        pid = self.registry.pop(name, None)
        if pid is None:
            return False
        b = self.lookup(pid)
        if b is not None:
            b.name = None
        return True

    # ---- gather ----
    async def gather(self, coros) -> list:
        me = self.need_current("gather")
        coros = list(coros)
        n = len(coros)
        results: list = [None] * n
        done = [False] * n
        children: list[tuple[Pid, int]] = []

        def on_return_for(i: int):
            def on_return(value: Any) -> None:
                results[i] = _copy.deepcopy(value)
                done[i] = True
                me.wake()
            return on_return

        records: list[Actor] = []
        for i, c in enumerate(coros):
            pid, ref = self.spawn_monitor(c, on_return=on_return_for(i))
            children.append((pid, ref))
            records.append(self.actors[pid.serial])
        for i, (pid, ref) in enumerate(children):
            while not done[i]:
                found, down = await self._receive_or(
                    lambda m, ref=ref: type(m) is tuple and len(m) == 4 and m[0] == "DOWN" and m[1] == ref,
                    lambda i=i: done[i])
                if found and not done[i]:
                    raise same_exception(records[i].exception, down[3])
            self.demonitor(ref, True)
        return results

    async def _receive_or(self, pred, stop: Callable[[], bool]) -> tuple[bool, Any]:
        """Selective receive that also returns (False, None) as soon as stop() holds."""
        a = self.need_current("receive")
        loop = self.loop or asyncio.get_running_loop()
        scanned = 0
        while True:
            a.drain()
            inbox = a.inbox
            n = len(inbox)
            while scanned < n:
                m = inbox[scanned]
                if pred(m):
                    del inbox[scanned]
                    return True, m
                scanned += 1
            if stop():
                return False, None
            await self._park(a, loop, None)

    # ---- running a program ----
    async def run_main(self, coro) -> int:
        global _current_system
        prev = _current_system
        _current_system = self
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        try:
            pid = self.spawn(coro)
            main = self.actors[pid.serial]
            self.main = main
            try:
                await asyncio.shield(main.task)
            except asyncio.CancelledError:
                pass
            return 0 if main.reason == "normal" else 1
        finally:
            self.stopping = True
            tasks = [t for t in self.by_task if not t.done()]
            for t in tasks:
                t.cancel()
            if tasks:
                await asyncio.gather(*tasks, return_exceptions=True)
            _current_system = prev

    def run(self, coro) -> int:
        """Blocking: a fresh loop (self.loop, or an ActorLoop) runs coro as main; the exit status."""
        from pyvm.plain.clock import ActorLoop, deterministic_from_env

        loop = self.loop or ActorLoop(virtual=deterministic_from_env())
        self.loop = loop
        try:
            try:
                status = loop.run_until_complete(self.run_main(coro))
                if not self.deadlocked:
                    return status
                raise Deadlock()
            except Deadlock:
                self.stopping = True
                _close(coro)
                _cancel_all(loop)
                sys.stdout.flush()
                sys.stderr.write("pyvm: deadlock: every actor is waiting for a message that nothing can send\n")
                sys.stderr.flush()
                return 1
        finally:
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
                global _current_system
                _current_system = None


def _noop() -> None:
    pass


def _wake_future(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_result(None)


def _close(coro) -> None:
    close = getattr(coro, "close", None)
    if close is not None:
        try:
            close()
        except BaseException:
            pass


def _cancel_all(loop) -> None:
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for t in tasks:
        t.cancel()
    if tasks:
        loop.detect_deadlock = False
        try:
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        except BaseException:
            pass
