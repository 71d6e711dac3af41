"""The event loop actors run on: asyncio's selector loop, optionally on a virtual clock.

`ActorLoop(virtual=True)` (what `PYVM_DETERMINISTIC=<seed>` selects) never sleeps: when nothing is
runnable, the selector is asked to wait for the next timer, and the wrapper below advances the virtual
clock to that timer instead of blocking. Scheduling stays asyncio's FIFO in both modes.

Both modes detect a deadlock: nothing runnable, no timer pending and no file descriptor to wait on
except the loop's own self-pipe means no actor can ever wake up; the selector then raises `Deadlock`,
which `ActorSystem.run` reports like the C runtime (`pyvm: deadlock: ...`, exit status 1).

An iteration may run nested in a callback (`ActorLoop.step`, used by `ActorSystem.block_until`: a
synchronous call that waits, e.g. a supervisor call, runs the other actors until it can return); the
outer iteration then finds fewer ready callbacks than it counted, which `_run_once` here tolerates.
"""

from __future__ import annotations

import asyncio
import heapq
import os
import selectors
import time


class Deadlock(Exception):
    """Every actor waits for something that nothing can cause any more."""


class _Selector(selectors.BaseSelector):
    def __init__(self, loop_ref: list) -> None:
        self._real = selectors.DefaultSelector()
        self._loop_ref = loop_ref

    def register(self, fileobj, events, data=None):
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self._real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self._real.modify(fileobj, events, data)

    def get_key(self, fileobj):
        return self._real.get_key(fileobj)

    def get_map(self):
        return self._real.get_map()

    def close(self) -> None:
        self._real.close()

    def select(self, timeout=None):
        loop = self._loop_ref[0]
        if timeout is None and loop is not None and loop.detect_deadlock and len(self._real.get_map()) <= 1:
            raise Deadlock()
        if loop is not None and loop.virtual and timeout is not None and timeout > 0:
            loop.advance(timeout)
            return self._real.select(0)
        return self._real.select(timeout)


class ActorLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop; `virtual=True`: a virtual clock that jumps to the next timer."""

    def __init__(self, virtual: bool = False, detect_deadlock: bool = True) -> None:
        ref: list = [None]
        super().__init__(_Selector(ref))
        self.virtual = virtual
        self.detect_deadlock = detect_deadlock
        self._vtime = 0.0
        ref[0] = self

    def time(self) -> float:
        if self.virtual:
            return self._vtime
        return time.monotonic()

    def advance(self, seconds: float) -> None:
        self._vtime += seconds

    def step(self) -> None:
        """One iteration of the loop, from inside a callback (a task's step): see the module doc."""
        self._run_once()

    def _run_once(self) -> None:
        """asyncio 3.12's BaseEventLoop._run_once, safe to re-enter: a nested `step` may already
        have run callbacks the outer iteration counted on."""
        sched_count = len(self._scheduled)
        if (sched_count > asyncio.base_events._MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / sched_count >
                asyncio.base_events._MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            new_scheduled = []
            for handle in self._scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    new_scheduled.append(handle)
            heapq.heapify(new_scheduled)
            self._scheduled = new_scheduled
            self._timer_cancelled_count = 0
        else:
            while self._scheduled and self._scheduled[0]._cancelled:
                self._timer_cancelled_count -= 1
                handle = heapq.heappop(self._scheduled)
                handle._scheduled = False

        timeout = None
        if self._ready or self._stopping:
            timeout = 0
        elif self._scheduled:
            when = self._scheduled[0]._when
            timeout = min(max(0, when - self.time()), asyncio.base_events.MAXIMUM_SELECT_TIMEOUT)

        event_list = self._selector.select(timeout)
        self._process_events(event_list)
        event_list = None

        end_time = self.time() + self._clock_resolution
        while self._scheduled:
            handle = self._scheduled[0]
            if handle._when >= end_time:
                break
            handle = heapq.heappop(self._scheduled)
            handle._scheduled = False
            self._ready.append(handle)

        ntodo = len(self._ready)
        for _ in range(ntodo):
            if not self._ready:  # a nested step ran them
                break
            handle = self._ready.popleft()
            if handle._cancelled:
                continue
            handle._run()
        handle = None


def deterministic_from_env() -> bool:
    """PYVM_DETERMINISTIC=<seed> (any non-empty value) selects the virtual clock."""
    return bool(os.environ.get("PYVM_DETERMINISTIC"))
