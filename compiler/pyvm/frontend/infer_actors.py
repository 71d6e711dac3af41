"""Typing of the actor primitives, `await`, and the supervisor API (compiler/pyvm/ACTORS.md §1).

`f(x)` of an `async def` is a coroutine (`CoroT`); `await` runs one inline, or takes the result of an
awaitable primitive (receive, sleep, gather, send). A received message has the dynamic type `DYN`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from types import SimpleNamespace

from pyvm.frontend.errors import error, unsupported
from pyvm.frontend.types import (BOOL, CHILD_SPEC, DYN, FLOAT, INT, NONE, PID, STR, SUPERVISOR, CoroT, FnRefT,
                                 ListT, TupleT, Type)

# The primitives that return awaitables under CPython: calling one without `await` would do nothing there.
MUST_AWAIT = {"receive", "sleep", "gather"}
AWAITABLE = MUST_AWAIT | {"send"}  # send acts at the call; its `await` is optional
STRATEGIES = {"one_for_one": 0, "one_for_all": 1, "rest_for_one": 2}
RESTARTS = {"permanent": 0, "transient": 1, "temporary": 2}

# name -> parameters (name, has default) of the primitives taking plain arguments
_SIGNATURES = {
    "spawn": [("coro", False)], "send": [("pid", False), ("msg", False)],
    "receive": [("timeout", True), ("where", True)], "gather": [("coros", False)], "self_pid": [],
    "sleep": [("seconds", False)], "monitor": [("pid", False)], "demonitor": [("ref", False)],
    "link": [("pid", False)], "unlink": [("pid", False)], "trap_exit": [("on", False)],
    "kill": [("pid", False), ("reason", True)], "exit": [("reason", True)],
    "register": [("name", False), ("pid", False)], "whereis": [("name", False)], "run": [("coro", False)],
    "Supervisor": [("children", False), ("strategy", True), ("max_restarts", True), ("within_seconds", True),
                   ("name", True), ("trace", True)],
    "ChildSpec": [("id", False), ("start", False), ("args", True), ("restart", True), ("shutdown", True)],
    "start_supervisor": [("spec", False)], "which_child": [("sup", False), ("id", False)],
    "terminate_child": [("sup", False), ("id", False)], "restart_child": [("sup", False), ("id", False)],
    "delete_child": [("sup", False), ("id", False)], "count_children": [("sup", False)],
}


@dataclass(frozen=True)
class ActorCall:
    """What lowering needs of a primitive's call: its arguments by parameter name, and the resolved
    pieces (the `where=` predicate's instance, a child spec's actor instance, constant options)."""

    name: str
    args: dict
    detail: dict


def await_type(fc, node: ast.Await) -> Type:
    inner = node.value
    if isinstance(inner, ast.Call):
        _awaited(fc).add(id(inner))
    t = fc.need(fc.expr(inner), inner, "the awaited value")
    if isinstance(t, CoroT):
        return t.ret
    target = fc.inst.targets.get(id(inner))
    if isinstance(target, ActorCall) and target.name in AWAITABLE:
        return t
    raise fc.fail(node, f"object {t} can't be used in 'await' expression")


def _awaited(fc) -> set:
    if not hasattr(fc, "awaited"):
        fc.awaited = set()
    return fc.awaited


def _bind(fc, node: ast.Call, name: str) -> dict:
    """The arguments given, by parameter name (the ones left to their defaults absent), with the
    errors user functions' calls get."""
    from pyvm.frontend.infer_calls import bind_arguments
    params = _SIGNATURES[name]
    signature = SimpleNamespace(params=[p for p, _ in params], defaults={p: None for p, has in params if has})
    args = bind_arguments(fc, node, signature, name)
    return {p: a for p, a in zip(signature.params, args) if a is not None}


def _expect(fc, node: ast.expr, want: tuple, what: str) -> Type:
    t = fc.need(fc.expr(node), node, what)
    if t not in want and t == DYN:
        fc.not_dynamic(node, t)
    if t not in want:
        raise fc.fail(node, f"{what} must be {' or '.join(map(str, want))}, not {t}")
    return t


def _constant_choice(fc, node: ast.expr | None, choices: dict, default: str, what: str) -> int:
    if node is None:
        return choices[default]
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        raise unsupported(fc.source, node, f"{what} that is not a string literal")
    if node.value not in choices:
        raise fc.fail(node, f"{what} must be one of {', '.join(map(repr, choices))}, not {node.value!r}")
    return choices[node.value]


def actor_builtin_type(fc, node: ast.Call, name: str) -> Type:
    from pyvm.frontend.infer import _sendable
    if name in MUST_AWAIT and id(node) not in _awaited(fc):
        raise fc.fail(node, f"{name}() must be awaited: 'await {name}(...)'")
    if name != "run" and not fc.checker.actor_program:
        raise fc.fail(node, f"{name}() is for actor programs (an 'async def main()' runs as the first actor)")
    a = _bind(fc, node, name)
    detail: dict = {}
    result: Type
    if name == "spawn":
        t = fc.need(fc.expr(a["coro"]), a["coro"], "the argument")
        if not isinstance(t, CoroT):
            raise fc.fail(a["coro"], f"spawn() needs a coroutine (a call of an async function), not {t}")
        result = PID
    elif name == "run":
        if not fc.func.is_module:
            raise unsupported(fc.source, node, "run() outside the module body (it starts the actor runtime)")
        t = fc.need(fc.expr(a["coro"]), a["coro"], "the argument")
        if not isinstance(t, CoroT):
            raise fc.fail(a["coro"], f"run() needs a coroutine (a call of an async function), not {t}")
        result = NONE
    elif name == "send":
        _expect(fc, a["pid"], (PID,), "the pid")
        t = fc.need(fc.expr(a["msg"]), a["msg"], "the message")
        if not _sendable(t):
            raise fc.fail(a["msg"], f"a {t} cannot be sent: messages are int, float, bool, None, str, Pid and "
                                    "tuples, lists and dicts of them")
        result = NONE
    elif name == "receive":
        if "timeout" in a:
            _expect(fc, a["timeout"], (INT, FLOAT, NONE), "the timeout")
        if "where" in a:
            detail["where"] = _predicate(fc, a["where"])
        result = DYN
    elif name == "gather":
        t = fc.need(fc.expr(a["coros"]), a["coros"], "the argument")
        elem = t.elem.prune() if isinstance(t, ListT) else None
        if not isinstance(elem, CoroT):
            raise fc.fail(a["coros"], f"gather() needs a list of coroutines, not {t}")
        if not _sendable(elem.ret):
            raise fc.fail(a["coros"], f"gather() results travel as messages; {elem.ret} cannot")
        result = ListT(elem.ret)
    elif name == "self_pid":
        result = PID
    elif name == "sleep":
        _expect(fc, a["seconds"], (INT, FLOAT), "the duration")
        result = NONE
    elif name in ("monitor", "link", "unlink"):
        _expect(fc, a["pid"], (PID,), "the pid")
        result = INT if name == "monitor" else NONE
    elif name == "demonitor":
        _expect(fc, a["ref"], (INT,), "the monitor reference")
        result = BOOL
    elif name == "trap_exit":
        _expect(fc, a["on"], (BOOL,), "the flag")
        result = BOOL
    elif name == "kill":
        _expect(fc, a["pid"], (PID,), "the pid")
        if "reason" in a:
            _expect(fc, a["reason"], (STR,), "the reason")
        result = NONE
    elif name == "exit":
        if "reason" in a:
            _expect(fc, a["reason"], (STR,), "the reason")
        result = NONE
    elif name == "register":
        _expect(fc, a["name"], (STR,), "the name")
        _expect(fc, a["pid"], (PID,), "the pid")
        result = BOOL
    elif name == "whereis":
        _expect(fc, a["name"], (STR,), "the name")
        result = PID
    elif name == "Supervisor":
        t = fc.need(fc.expr(a["children"]), a["children"], "the children")
        if not (isinstance(t, ListT) and t.elem.prune() == CHILD_SPEC):
            raise fc.fail(a["children"], f"Supervisor() needs a list of ChildSpec, not {t}")
        detail["strategy"] = _constant_choice(fc, a.get("strategy"), STRATEGIES, "one_for_one", "the strategy")
        if "max_restarts" in a:
            _expect(fc, a["max_restarts"], (INT,), "max_restarts")
        if "within_seconds" in a:
            _expect(fc, a["within_seconds"], (INT, FLOAT), "within_seconds")
        if "name" in a:
            _expect(fc, a["name"], (STR, NONE), "the name")
        if "trace" in a:
            _expect(fc, a["trace"], (BOOL,), "trace")
        result = SUPERVISOR
    elif name == "ChildSpec":
        _expect(fc, a["id"], (STR,), "the child id")
        detail["restart"] = _constant_choice(fc, a.get("restart"), RESTARTS, "permanent", "the restart type")
        if "shutdown" in a:
            _expect(fc, a["shutdown"], (INT, FLOAT), "the shutdown time")
        detail["start"] = _child_start(fc, a)
        result = CHILD_SPEC
    elif name == "start_supervisor":
        _expect(fc, a["spec"], (SUPERVISOR,), "the supervisor spec")
        result = PID
    else:  # which_child, terminate_child, restart_child, delete_child, count_children
        _expect(fc, a["sup"], (PID,), "the supervisor")
        if "id" in a:
            _expect(fc, a["id"], (STR,), "the child id")
        result = {"which_child": PID, "count_children": INT}.get(name, BOOL)
    fc.inst.targets[id(node)] = ActorCall(name, a, detail)
    return result


def _predicate(fc, node: ast.expr):
    """receive(where=f): f takes the message and returns bool; the instance is lowered to a thunk the
    runtime calls on each waiting message."""
    t = fc.need(fc.expr(node), node, "the predicate").prune()
    if not isinstance(t, FnRefT) or t.uniform:
        raise unsupported(fc.source, node, "a where= predicate that is not one particular function")
    info = t.function
    if info.is_async or len(info.params) - len(info.defaults) > 1 or not info.params:
        raise fc.fail(node, "the where= predicate must be a plain function of one argument")
    inst = fc.checker.instantiate(info, t.parent, [DYN], node)
    ret = fc.need(inst.ret, node, "the predicate's result")
    if ret != BOOL:
        raise fc.fail(node, f"the where= predicate must return bool, not {ret}")
    return inst


def _child_start(fc, a: dict):
    """ChildSpec's start: an async function named directly (its instance for the args' types), or a
    Supervisor value (a nested supervisor)."""
    start = a["start"]
    t = fc.need(fc.expr(start), start, "the start function").prune()
    if t == SUPERVISOR:
        if "args" in a:
            raise fc.fail(a["args"], "a nested Supervisor takes no args")
        return "supervisor"
    if not isinstance(t, FnRefT) or t.uniform or not t.function.is_async:
        raise fc.fail(start, f"ChildSpec's start must be an async function or a Supervisor, not {t}")
    info = t.function
    if "args" in a:
        args_t = fc.need(fc.expr(a["args"]), a["args"], "the arguments").prune()
        if not isinstance(args_t, TupleT):
            raise fc.fail(a["args"], f"ChildSpec's args must be a tuple, not {args_t}")
        types = list(args_t.items)
    else:
        types = []
    if len(types) != len(info.params):
        raise error(fc.source, a.get("args", start), "call", f"{info.name}() takes {len(info.params)} "
                    f"argument{'' if len(info.params) == 1 else 's'} but ChildSpec gives {len(types)}")
    from pyvm.frontend.infer import _sendable
    for p, pt in zip(info.params, types):
        if not _sendable(pt):
            raise fc.fail(a.get("args", start), f"argument '{p}' of a supervised actor is copied at each "
                                                f"start; a {pt} cannot be")
    return fc.checker.instantiate(info, t.parent, [fc.need(x, start, "an argument") for x in types], start)
