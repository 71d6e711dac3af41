"""Supervisors (OTP's, as runtime/supervisor/supervisor.c implements them) on the plain actor system.

The supervisor is an actor trapping exits and linked to its starter; its event handling (a child's
exit, restart intensity, strategies, terminating children in reverse start order, giving up with
"shutdown", shutting down when its parent's exit signal arrives) is supervisor.c's, step for step, with
the same trace lines (ACTORS.md: `<label>: start a`, ...).

The calls of the language surface are synchronous (`sup = start_supervisor(spec)`,
`which_child(sup, "a")`, ... are not awaited). In C the caller blocks until the supervisor actor has
handled its request, queued behind the events it had not handled yet. Here a call acts on the
supervisor's state directly, in the caller, whenever that is exactly what the supervisor would do
(every other actor is suspended meanwhile, so nothing can tell the difference); otherwise it blocks
like C's (ActorSystem.block_until: the loop runs nested in the call):
- start_supervisor registers the name and starts the children in order (spawn + "start" trace), as the
  C supervisor does before it acknowledges; the supervisor actor then runs its event loop. A nested
  supervisor child is started the same way, synchronously, by its parent's start of it: its name and
  its children's "start" lines come before the parent's `start <id>` line, as supervisor.c's parent
  waits for the nested supervisor's acknowledgement before tracing (OTP's order). So a nested
  supervisor is never seen unstarted.
- The direct path (_call): the supervisor is idle (waiting in its main loop), no other call is queued
  for it, the events queued for it (a child's EXIT, its parent's) can be handled at once (_catch_up:
  handled now, in the caller, as they would be before the request in C) and so can the call itself.
- Stopping a child that does not trap exits (or brutally) can be done at once (_terminate_sync: the
  child ends with "shutdown" / "killed" exactly as the signal would end it); stopping a child that
  traps exits cannot (supervisor.c's protocol: monitor, "shutdown", wait up to the shutdown time for
  it to end, then "kill"): that runs in the supervisor actor, awaited (_terminate_child).
- Otherwise (a supervisor busy in such a termination, a queued event that needs one, terminate_child
  of a child that traps exits) the call is a request (_Request) queued in the supervisor's mailbox
  behind its events, as in C; the supervisor actor carries it out in order and the caller blocks
  until it is done (block_until), so everything the program can observe keeps C's order.
"""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass
from typing import Any

from pyvm.plain.pid import Pid
from pyvm.plain.system import ActorExit, ActorSystem, check_sendable, current_system

STRATEGIES = ("one_for_one", "one_for_all", "rest_for_one")
RESTARTS = ("permanent", "transient", "temporary")


class Supervisor:
    """A supervisor spec (a value: start it with start_supervisor, or nest it in a ChildSpec)."""

    def __init__(self, children: list, strategy: str = "one_for_one", max_restarts: int = 3,
                 within_seconds: float = 5.0, name: str | None = None, trace: bool = False) -> None:
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown supervisor strategy {strategy!r} (one of {', '.join(STRATEGIES)})")
        children = list(children)
        for c in children:
            if not isinstance(c, ChildSpec):
                raise TypeError(f"Supervisor children must be ChildSpec values, got {type(c).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError("Supervisor name must be a str or None")
        self.children = children
        self.strategy = strategy
        self.max_restarts = int(max_restarts)
        self.within_seconds = float(within_seconds)
        self.name = name
        self.trace = bool(trace)

    def __repr__(self) -> str:
        return (f"Supervisor({self.children!r}, strategy={self.strategy!r}, max_restarts={self.max_restarts}, "
                f"within_seconds={self.within_seconds}, name={self.name!r}, trace={self.trace})")


@dataclass(frozen=True)
class ChildSpec:
    """A child: `start` is an async def function (called with `args` at each start) or a Supervisor."""

    id: str
    start: Any
    args: tuple = ()
    restart: str = "permanent"
    shutdown: float = 5.0

    def __post_init__(self) -> None:
        if not isinstance(self.id, str):
            raise TypeError("ChildSpec id must be a str")
        if self.restart not in RESTARTS:
            raise ValueError(f"unknown restart type {self.restart!r} (one of {', '.join(RESTARTS)})")
        if not isinstance(self.args, tuple):
            raise TypeError("ChildSpec args must be a tuple")
        if isinstance(self.start, Supervisor):
            if self.args:
                raise TypeError("a nested supervisor's ChildSpec takes no args")
        elif not callable(self.start):
            raise TypeError("ChildSpec start must be an async def function or a Supervisor")
        check_sendable(self.args)
        if self.shutdown < 0:
            raise ValueError("ChildSpec shutdown must be >= 0 (0: brutal kill)")


class _Child:
    __slots__ = ("id", "start", "args", "restart", "shutdown", "supervisor", "pid")

    def __init__(self, spec: ChildSpec) -> None:
        self.id = spec.id
        self.start = spec.start
        self.args = _copy.deepcopy(spec.args)
        self.restart = spec.restart
        self.supervisor = isinstance(spec.start, Supervisor)
        # seconds; 0: brutal kill; None: infinity (supervisor children)
        self.shutdown: float | None = None if self.supervisor else float(spec.shutdown)
        self.pid: Pid | None = None


class _Sup:
    def __init__(self, system: ActorSystem, spec: Supervisor, parent: Pid | None) -> None:
        self.system = system
        self.parent = parent
        self.self: Pid | None = None
        self.strategy = spec.strategy
        self.intensity = spec.max_restarts
        self.period = spec.within_seconds if spec.within_seconds > 0 else 5.0
        self.children = [_Child(c) for c in spec.children]
        self.restarts: list[float] = []
        self.name = spec.name
        self.label = spec.name if spec.name is not None else "supervisor"
        self.tracing = spec.trace
        self.idle = False   # the supervisor actor waits in its main loop's receive (or will: started)
        self.sync = False   # handling events synchronously, in a caller (see _catch_up)

    def trace(self, event: str) -> None:
        if self.tracing:
            self.system.trace(f"{self.label}: {event}")

    def find_id(self, id: str) -> int:
        for i, c in enumerate(self.children):
            if c.id == id:
                return i
        return -1

    def find_pid(self, pid: Pid) -> int:
        for i, c in enumerate(self.children):
            if c.pid == pid:
                return i
        return -1


def _sups(system: ActorSystem) -> dict[int, _Sup]:
    return system.supervisors


# ---- starting children ---------------------------------------------------------------------------

def _start_child(s: _Sup, i: int) -> None:
    c = s.children[i]
    system = s.system
    if c.supervisor:
        # supervisor.c's start_child awaits the nested supervisor's acknowledgement: it has registered
        # its name and started its children (their "start" lines come first)
        nested = _Sup(system, c.start, s.self)
        pid = system.spawn(_sup_main(nested), link=True, trap_exit=True, owner=s.self)
        nested.self = pid
        _sups(system)[pid.serial] = nested
        _start_all(nested)
    else:
        pid = system.spawn(c.start(*_copy.deepcopy(c.args)), link=True, owner=s.self)
    c.pid = pid
    s.trace(f"start {c.id}")


def _restart_from(s: _Sup, start: int) -> None:
    i = start
    while i < len(s.children):
        c = s.children[i]
        if c.restart == "temporary" and c.pid is None:
            del s.children[i]
            continue
        if c.pid is None:
            _start_child(s, i)
        i += 1


def _is_exit(m: Any) -> bool:
    return type(m) is tuple and len(m) == 3 and m[0] == "EXIT" and type(m[1]) is Pid and type(m[2]) is str


def _normal_exit(reason: str) -> bool:
    return reason == "normal" or reason == "shutdown" or reason.startswith("shutdown:")


# ---- the supervisor actor ------------------------------------------------------------------------

async def _terminate_child(s: _Sup, i: int) -> None:
    """OTP's shutdown/2 for one child, in the supervisor actor (supervisor.c's terminate_child)."""
    if s.sync or _exact_sync(s, i):
        _terminate_sync(s, i)
        return
    c = s.children[i]
    if c.pid is None:
        return
    system = s.system
    pid = c.pid
    ref = system.monitor(pid)
    system.unlink(pid)

    def is_down(m: Any) -> bool:
        return type(m) is tuple and len(m) == 4 and m[0] == "DOWN" and m[1] == ref

    if c.shutdown == 0:
        system.kill(pid, "kill")
        await system.receive_match(is_down)
    else:
        system.kill(pid, "shutdown")
        found, _ = await system.receive_match(is_down, c.shutdown)
        if not found:
            system.kill(pid, "kill")
            await system.receive_match(is_down)
    # An EXIT sent before the unlink took effect must not be taken for a new crash.
    while (await system.receive_match(lambda m: _is_exit(m) and m[1] == pid, 0))[0]:
        pass
    s.trace(f"terminate {c.id}")
    c.pid = None


async def _terminate_from(s: _Sup, start: int, except_: int) -> None:
    for i in range(len(s.children) - 1, start - 1, -1):
        if i != except_:
            await _terminate_child(s, i)


async def _shutdown_and_exit(s: _Sup, reason: str) -> None:
    await _terminate_from(s, 0, -1)
    s.trace(f"stop: {reason}")
    raise ActorExit(reason)


def _add_restart(s: _Sup) -> bool:
    """OTP's add_restart: false once more than `intensity` restarts fall within the period."""
    now = s.system.now()
    s.restarts = [t for t in s.restarts if now - t < s.period]
    s.restarts.append(now)
    return len(s.restarts) <= s.intensity


async def _child_exited(s: _Sup, i: int, reason: str) -> None:
    c = s.children[i]
    c.pid = None
    s.trace(f"exit {c.id}: {reason}")
    again = c.restart == "permanent" or (c.restart == "transient" and not _normal_exit(reason))
    if not again:
        if c.restart == "temporary":
            del s.children[i]
        return
    if not _add_restart(s):
        s.trace("shutdown: reached max restart intensity")
        await _shutdown_and_exit(s, "shutdown")
    s.trace(f"restart {c.id}")
    if s.strategy == "one_for_all":
        await _terminate_from(s, 0, i)
        _restart_from(s, 0)
    elif s.strategy == "rest_for_one":
        await _terminate_from(s, i + 1, -1)
        _restart_from(s, i)
    else:
        _start_child(s, i)


async def _sup_main(s: _Sup) -> None:
    system = s.system
    try:
        while True:
            s.idle = True
            try:
                _, m = await system.receive_match(None)
            finally:
                s.idle = False
            await _handle(s, m)
    finally:
        _sups(system).pop(s.self.serial, None)


def _start_all(s: _Sup) -> None:
    """What a supervisor does before it acknowledges its start: its name, its children in order."""
    if s.name is not None:
        s.system.register(s.name, s.self)
    for i in range(len(s.children)):
        _start_child(s, i)
    s.idle = True  # its actor's first act is to wait in its main loop


class _Request:
    """A call queued in the supervisor's mailbox (C's "$sup_call"): `op(s)` runs in the supervisor
    actor, in order with its events; the blocked caller reads `result` once `done`."""

    __slots__ = ("op", "result", "done")

    def __init__(self, op) -> None:
        self.op = op
        self.result: Any = None
        self.done = False

    def __deepcopy__(self, memo):
        return self


async def _handle(s: _Sup, m: Any) -> None:
    if type(m) is _Request:
        try:
            m.result = await m.op(s)
        finally:
            m.done = True
        return
    if not _is_exit(m):
        return  # not for a supervisor: dropped
    sender, reason = m[1], m[2]
    if s.parent is not None and sender == s.parent:
        await _shutdown_and_exit(s, reason)
    i = s.find_pid(sender)
    if i >= 0:
        await _child_exited(s, i, reason)


def _catch_up(s: _Sup) -> None:
    """Before a call: the events queued for an idle supervisor are handled now, in the caller, as the
    supervisor would have handled them before the call's request (in C the request queues behind
    them). Terminations are then synchronous (_terminate_sync)."""
    system = s.system
    sup = system.lookup(s.self)
    if sup is None or s.sync or not s.idle:
        return
    s.sync = True
    try:
        sup.drain()
        while sup.inbox and not sup.dead:
            coro = _handle(s, sup.inbox.popleft())
            try:
                coro.send(None)
            except StopIteration:
                continue
            coro.close()
            raise RuntimeError("supervisor event handling blocked in a synchronous call")
    except ActorExit as e:
        system.end_now(s.self, e.reason)
    finally:
        s.sync = False


# ---- synchronous terminations (the terminate_child call) -----------------------------------------

def _exact_sync(s: _Sup, i: int) -> bool:
    """Whether stopping child i at once is exactly what the shutdown protocol would do: the child does
    not trap exits (the "shutdown" signal ends it at its next primitive) or is killed brutally, or it
    is an idle supervisor whose children are all such."""
    c = s.children[i]
    child = s.system.lookup(c.pid)
    if child is None:
        return True
    if c.supervisor:
        nested = s.system.supervisors.get(c.pid.serial)
        return nested is not None and nested.idle and not child.pending and not child.inbox and all(
            _exact_sync(nested, k) for k in range(len(nested.children)))
    return c.shutdown == 0 or not child.trap_exit


def _terminate_sync(s: _Sup, i: int) -> None:
    c = s.children[i]
    if c.pid is None:
        return
    system = s.system
    pid = c.pid
    me = system.lookup(s.self)
    child = system.lookup(pid)
    if me is not None:
        me.links.pop(pid, None)
    if child is not None:
        child.links.pop(s.self, None)
        nested = _sups(system).get(pid.serial) if c.supervisor else None
        if nested is not None:
            _shutdown_sync(nested, "shutdown")
        else:
            brutal = c.shutdown == 0 or child.trap_exit
            system.end_now(pid, "killed" if brutal else "shutdown")
    if me is not None:  # the EXIT of a child that ended before: not a new crash
        me.inbox = type(me.inbox)(m for m in me.inbox if not (_is_exit(m) and m[1] == pid))
    s.trace(f"terminate {c.id}")
    c.pid = None


def _shutdown_sync(s: _Sup, reason: str) -> None:
    for i in range(len(s.children) - 1, -1, -1):
        _terminate_sync(s, i)
    s.trace(f"stop: {reason}")
    s.system.end_now(s.self, reason)


# ---- the calls -----------------------------------------------------------------------------------

def _system(what: str) -> ActorSystem:
    system = current_system()
    if system is None:
        raise RuntimeError(f"{what}() outside the actor system (start the program with pyvm.run(main()))")
    return system


def start_supervisor(spec: Supervisor) -> Pid:
    """Starts a supervisor linked to the caller; returns its pid once every child has started."""
    if not isinstance(spec, Supervisor):
        raise TypeError(f"start_supervisor() needs a Supervisor, got {type(spec).__name__}")
    system = _system("start_supervisor")
    caller = system.current()
    s = _Sup(system, spec, caller.pid if caller is not None else None)
    pid = system.spawn(_sup_main(s), link=caller is not None, trap_exit=True)
    s.self = pid
    _sups(system)[pid.serial] = s
    _start_all(s)
    return pid


def _queued(s: _Sup) -> tuple[bool, bool]:
    """(a call is queued, an event is queued) in the supervisor's mailbox."""
    sup = s.system.lookup(s.self)
    if sup is None:
        return False, False
    request = event = False
    for m in (*sup.inbox, *sup.pending):
        if type(m) is _Request:
            request = True
        else:
            event = True
    return request, event


def _direct(s: _Sup, blocks) -> bool:
    """Whether the call can act on the state at once (see the module doc)."""
    if not s.idle or s.sync:
        return False
    request, event = _queued(s)
    if request:
        return False
    if event and not all(_exact_sync(s, k) for k in range(len(s.children))):
        return False  # handling the events might have to wait for a child that traps exits
    return not blocks(s)


def _never(s: _Sup) -> bool:
    return False


def _call(what: str, sup: Pid, default: Any, op, blocks=_never) -> Any:
    """Runs `op(s)` (an async function of the supervisor's state) as supervisor.c's call does:
    after the events queued before it; at once when that is exact (_direct), else in the supervisor
    actor while the caller blocks. `default` if the supervisor is not alive."""
    system = _system(what)
    system.need_current(what)
    if sup is not None and not isinstance(sup, Pid):
        raise TypeError(f"{what}() needs a supervisor's Pid, got {type(sup).__name__}")
    s = _sups(system).get(sup.serial) if sup is not None and system.alive(sup) else None
    if s is None:
        return default
    if _direct(s, blocks):
        _catch_up(s)
        if not system.alive(sup):
            return default
        if not blocks(s):  # the events handled may have changed that
            return _run_sync(s, op(s))
    request = _Request(op)
    system.send(sup, request, copy=False)
    system.block_until(lambda: request.done or not system.alive(sup))
    return request.result if request.done else default


def _run_sync(s: _Sup, coro) -> Any:
    """An op that does not wait (s.sync: terminations are _terminate_sync), run to its end now."""
    s.sync = True
    try:
        coro.send(None)
    except StopIteration as e:
        return e.value
    finally:
        s.sync = False
    coro.close()
    raise RuntimeError("supervisor call blocked in a synchronous call")


def which_child(sup: Pid, id: str) -> Pid | None:
    """The pid of child `id`, None if it is not running."""
    async def op(s: _Sup) -> Pid | None:
        i = s.find_id(id)
        return s.children[i].pid if i >= 0 else None
    return _call("which_child", sup, None, op)


def count_children(sup: Pid) -> int:
    async def op(s: _Sup) -> int:
        return len(s.children)
    return _call("count_children", sup, 0, op)


def terminate_child(sup: Pid, id: str) -> bool:
    """Stops child `id` (kept, not restarted, until deleted; a temporary one is removed)."""
    async def op(s: _Sup) -> bool:
        i = s.find_id(id)
        if i < 0:
            return False
        await _terminate_child(s, i)
        if s.children[i].restart == "temporary":
            del s.children[i]
        return True

    def blocks(s: _Sup) -> bool:  # a child that traps exits gets its shutdown time
        i = s.find_id(id)
        return i >= 0 and not _exact_sync(s, i)

    return _call("terminate_child", sup, False, op, blocks)


def restart_child(sup: Pid, id: str) -> bool:
    """Starts a stopped child again."""
    async def op(s: _Sup) -> bool:
        i = s.find_id(id)
        if i < 0 or s.children[i].pid is not None:
            return False
        _start_child(s, i)
        return True
    return _call("restart_child", sup, False, op)


def delete_child(sup: Pid, id: str) -> bool:
    """Removes a stopped child."""
    async def op(s: _Sup) -> bool:
        i = s.find_id(id)
        if i < 0 or s.children[i].pid is not None:
            return False
        del s.children[i]
        return True
    return _call("delete_child", sup, False, op)


__all__ = ["Supervisor", "ChildSpec", "start_supervisor", "which_child", "count_children",
           "terminate_child", "restart_child", "delete_child"]
