"""Messages, exit reasons and the exceptions that end actors (see system.py's docstring)."""

from __future__ import annotations

import builtins
import copy as _copy
from typing import Any

from pyvm.plain.pid import Pid


class ActorExit(BaseException):
    """Ends the running actor with `reason`, without a crash report."""

    def __init__(self, reason: str = "normal") -> None:
        super().__init__(reason)
        self.reason = reason


class ActorCrashed(BaseException):
    """Ends the running actor as crashed with `reason` ("Name: message")."""

    def __init__(self, reason: str, already_reported: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.already_reported = already_reported


def reason_for(exc: BaseException) -> str:
    """`Name: message`, or just `Name` for an empty message (the runtime's pyvm_actor_reason_for)."""
    if isinstance(exc, SystemExit):
        code = exc.code
        return "normal" if code in (0, None) else f"exit status {code}"
    message = str(exc)
    name = type(exc).__name__
    return f"{name}: {message}" if message else name


def exception_from_reason(reason: str) -> BaseException:
    """The exception a reason names (for gather): a builtin exception type, else RuntimeError."""
    name, sep, message = reason.partition(": ")
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        try:
            return kind(message) if sep else kind()
        except Exception:
            pass
    return RuntimeError(reason)


# ---- messages ------------------------------------------------------------------------------------

_SCALARS = (int, float, bool, str, type(None))


def check_sendable(value: Any) -> None:
    """TypeError unless value is int/float/bool/None/str/Pid or tuple/list/dict of sendables (or an
    object whose class defines __deepcopy__)."""
    t = type(value)
    if t in _SCALARS or t is Pid:
        return
    if t is tuple or t is list:
        for v in value:
            check_sendable(v)
        return
    if t is dict:
        for k, v in value.items():
            check_sendable(k)
            check_sendable(v)
        return
    if hasattr(t, "__deepcopy__"):
        return
    raise TypeError(f"cannot send a value of type '{t.__name__}' (only int, float, bool, None, str, "
                    "Pid and tuples, lists and dicts of them)")


def copy_message(value: Any) -> Any:
    check_sendable(value)
    t = type(value)
    if t in _SCALARS or t is Pid:
        return value
    return _copy.deepcopy(value)


def same_exception(exc: BaseException | None, reason: str) -> BaseException:
    """A new exception of exc's type and arguments (a crashed child's, re-raised by gather)."""
    if exc is not None and reason_for(exc) == reason:
        try:
            return type(exc)(*exc.args)
        except Exception:
            pass
    return exception_from_reason(reason)
