"""The language surface of ACTORS.md §1 as plain Python functions over the running ActorSystem."""

from __future__ import annotations

import sys
from typing import Any, Callable

from pyvm.plain.pid import Pid
from pyvm.plain.system import ActorExit, ActorSystem, current_system


def _system(what: str) -> ActorSystem:
    s = current_system()
    if s is None:
        raise RuntimeError(f"{what}() outside the actor system (start the program with pyvm.run(main()))")
    return s


def spawn(coro) -> Pid:
    """A new actor running coroutine `coro`; its result is dropped."""
    return _system("spawn").spawn(coro)


def send(pid: Pid | None, msg: Any):
    """Sends a deep copy of msg now; returns an awaitable that completes at once."""
    return _system("send").send(pid, msg)


async def receive(timeout: float | None = None, where: Callable[[Any], bool] | None = None) -> Any:
    """The oldest message (for which `where` holds); None after `timeout` seconds."""
    return await _system("receive").receive(timeout, where)


async def gather(coros) -> list:
    """Each coroutine as a monitored actor; their results in order; a crashed child's error re-raised."""
    return await _system("gather").gather(coros)


def self_pid() -> Pid | None:
    s = current_system()
    return s.self_pid() if s is not None else None


async def sleep(seconds: float) -> None:
    await _system("sleep").sleep(seconds)


def monitor(pid: Pid) -> int:
    return _system("monitor").monitor(pid)


def demonitor(ref: int) -> bool:
    return _system("demonitor").demonitor(ref, True)


def link(pid: Pid) -> None:
    _system("link").link(pid)


def unlink(pid: Pid) -> None:
    _system("unlink").unlink(pid)


def trap_exit(on: bool) -> bool:
    return _system("trap_exit").trap_exit(on)


def kill(pid: Pid, reason: str = "kill") -> None:
    _system("kill").kill(pid, reason)


def exit(reason: str = "normal") -> None:
    """Ends the calling actor with `reason`."""
    _system("exit").need_current("exit")
    raise ActorExit(reason)


def register(name: str, pid: Pid) -> bool:
    return _system("register").register(name, pid)


def whereis(name: str) -> Pid | None:
    return _system("whereis").whereis(name)


def run(coro) -> None:
    """asyncio.run with the actor system: coro is main (pid 0.1); when it ends, the remaining actors
    are killed. Exits the process with status 1 if main crashed (ended with any reason but normal)."""
    status = ActorSystem().run(coro)
    sys.stdout.flush()
    if status != 0:
        sys.exit(status)
