"""PyVM: a compiler for a statically typed subset of Python 3.12 on an actor runtime."""

__version__ = "0.1.0"


# The actor module's names (pyvm.plain.EXPORTS; a test keeps the two lists equal).
_ACTOR_NAMES = frozenset((
    "Pid", "spawn", "send", "receive", "gather", "self_pid", "sleep", "monitor", "demonitor", "link",
    "unlink", "trap_exit", "kill", "exit", "register", "whereis", "run",
    "Supervisor", "ChildSpec", "start_supervisor", "which_child", "terminate_child", "restart_child",
    "delete_child", "count_children"))
__all__ = sorted(_ACTOR_NAMES)  # `from pyvm import *`: the actor names (lazily, via __getattr__)


def __getattr__(name: str):
    """`from pyvm import spawn, ...` / `pyvm.spawn`: the actor module (pyvm.plain, plain Python on
    asyncio), imported lazily so that the compiler, which imports `pyvm` constantly, never loads it."""
    if name in _ACTOR_NAMES:
        import pyvm.plain
        return getattr(pyvm.plain, name)
    raise AttributeError(f"module 'pyvm' has no attribute {name!r}")
