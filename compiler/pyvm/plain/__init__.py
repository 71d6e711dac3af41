"""The `pyvm` actor module as plain Python on asyncio (ACTORS.md §1), for running actor programs under
CPython: `from pyvm import spawn, send, receive, ...` resolves to these names (pyvm/__init__.py's
module `__getattr__` imports this package lazily). The internal API for other actor front ends (the
KIR interpreter) is `pyvm.plain.system.ActorSystem`; see that module's docstring."""

from pyvm.plain.api import (demonitor, exit, gather, kill, link, monitor, receive, register, run,
                            self_pid, send, sleep, spawn, trap_exit, unlink, whereis)
from pyvm.plain.pid import Pid
from pyvm.plain.supervisor import (ChildSpec, Supervisor, count_children, delete_child, restart_child,
                                   start_supervisor, terminate_child, which_child)

EXPORTS = [
    "Pid", "spawn", "send", "receive", "gather", "self_pid", "sleep", "monitor", "demonitor", "link",
    "unlink", "trap_exit", "kill", "exit", "register", "whereis", "run",
    "Supervisor", "ChildSpec", "start_supervisor", "which_child", "terminate_child", "restart_child",
    "delete_child", "count_children",
]
__all__ = list(EXPORTS)
