"""Lowering of actors (compiler/pyvm/ACTORS.md §3): coroutines, `await`, the primitives, the supervisor
API, received messages (boxes), narrowing, and the thunks the runtime calls.

A coroutine is a tuple `(entry, runner, args...)` whose header type describes it; for each `async def`
instance the program gets two thunks:

    f.run(ctx, coro) -> T            unpacks the arguments and calls f (used by `await c`)
    f.actor(ctx, coro_slot)          the actor entry: runs f.run, then pyvm_coro_return(T, result)
"""

from __future__ import annotations

import ast
from types import SimpleNamespace

from pyvm.frontend.infer import Narrowing, Unbox, UserCall
from pyvm.frontend.infer_actors import _SIGNATURES, ActorCall
from pyvm.frontend.infer_match import CLASS_PATTERNS, TAG_NONE
from pyvm.frontend.lower_expr import from_slot, to_slot
from pyvm.frontend.types import (BOOL, DYN, FLOAT, INT, NONE, PID, CoroT, ListT, TupleT, Type, descriptor, kir_type,
                                 resolve)
from pyvm.kir import NULL, Builder, Const, Function, Reg, Sym, i1, i64
from pyvm.kir.types import F64, I1, I64, PTR, VOID

TUPLE_TYPE = 8  # runtime/core/obj.h: the header's descriptor pointer


# Primitives that are one runtime call on their arguments as they are: name -> (function, result type)
_DIRECT_CALLS = {"monitor": ("pyvm_act_monitor", I64), "demonitor": ("pyvm_act_demonitor", I1),
                 "link": ("pyvm_act_link", VOID), "unlink": ("pyvm_act_unlink", VOID),
                 "trap_exit": ("pyvm_act_trap_exit", I1), "whereis": ("pyvm_act_whereis", I64),
                 "register": ("pyvm_act_register", I1), "start_supervisor": ("pyvm_sup_start", I64),
                 "which_child": ("pyvm_sup_which_child", I64), "terminate_child": ("pyvm_sup_terminate_child", I1),
                 "restart_child": ("pyvm_sup_restart_child", I1), "delete_child": ("pyvm_sup_delete_child", I1),
                 "count_children": ("pyvm_sup_count_children", I64)}


def f64(value: float):
    return Const(F64, float(value))


# ---- thunks the runtime calls (ProgramLowering) ---------------------------------------------------

def coroutine_type(program, inst) -> TupleT:
    inst = program.canonical(inst)
    return TupleT((INT, INT, *(resolve(t) for t in inst.param_types)))


def coroutine_thunks(program, inst) -> tuple[str, str]:
    """(actor entry, inline runner) of an async function instance, made on first use."""
    inst = program.canonical(inst)
    key = ("coro", id(inst))
    names = program.function_names.get(key)
    if names is not None:
        return names
    target = program.function_name(inst)
    ret = resolve(inst.ret)
    run_name, entry_name = program.unique(target + ".run"), program.unique(target + ".actor")
    program.function_names[key] = (entry_name, run_name)

    ctx, coro = Reg("ctx", PTR), Reg("coro", PTR)
    run = Function(run_name, [ctx, coro], kir_type(ret))
    b = Builder(run)
    b.position_at_end(b.new_block("entry"))
    args = []
    for i, t in enumerate(inst.param_types):
        slot = b.load(I64, b.gep(coro, i64(i + 2), 8, 24, "argp"), hint="arg")
        args.append(from_slot(b, slot, resolve(t)))
    result = b.call(Sym(target), [ctx, *args], kir_type(ret))
    b.ret(result if kir_type(ret) != VOID else None)
    program.module.functions.append(run)

    ctx, arg = Reg("ctx", PTR), Reg("arg", I64)
    entry = Function(entry_name, [ctx, arg], VOID)
    b = Builder(entry)
    b.position_at_end(b.new_block("entry"))
    coro_ptr = b.cast("INT2PTR", arg, PTR)
    result = b.call(Sym(run_name), [ctx, coro_ptr], kir_type(ret))
    rtype = b.load(PTR, program.descriptor(ret), hint="type")
    slot = i64(0) if kir_type(ret) == VOID else to_slot(b, result, ret)
    b.call(program.extern("pyvm_coro_return", [PTR, I64], VOID), [rtype, slot], VOID)
    b.ret()
    program.module.functions.append(entry)
    return entry_name, run_name


# ---- in function bodies (a FunctionLowering mixin) ------------------------------------------------

class ActorLowering:
    def rt_safepoint(self) -> None:
        """Function entries and loop back edges of actor programs let the scheduler switch actors."""
        if self.p.checker.actor_program:
            self.rt("pyvm_safepoint", [])

    def make_coroutine(self, inst, args: list):
        entry, runner = coroutine_thunks(self.p, inst)
        ctype = coroutine_type(self.p, inst)
        b = self.b
        tup = self.rt("pyvm_tuple_new", [self.descriptor(ctype), i64(len(ctype.items))], PTR)
        self.tuple_set(tup, i64(0), b.cast("PTR2INT", Sym(entry), I64))
        self.tuple_set(tup, i64(1), b.cast("PTR2INT", Sym(runner), I64))
        for i, (v, t) in enumerate(zip(args, ctype.items[2:])):
            self.tuple_set(tup, i64(i + 2), self.to_slot(v, t))
        return tup

    def coro_header(self, coro):
        return self.b.load(PTR, self.b.gep(coro, i64(0), 1, TUPLE_TYPE, "typep"), hint="type")

    def expr_Await(self, node: ast.Await):
        inner = node.value
        target = self.inst.targets.get(id(inner)) if isinstance(inner, ast.Call) else None
        if isinstance(target, UserCall) and target.instance.func.is_async:
            return self.user_call(inner, target, inline=True)
        t = self.type(inner).prune()
        if isinstance(t, CoroT):
            coro = self.value(inner)
            b = self.b
            runner = b.cast("INT2PTR", self.tuple_get(coro, i64(1)), PTR)
            ret = kir_type(resolve(t.ret))
            self.mark_line()
            self.needs_frame = True
            return b.emit("CALL", [runner, self.ctx, coro], None if ret == VOID else ret, "r")
        return self.value(inner)

    def seconds(self, node: ast.expr | None, default: float):
        if node is None:
            return f64(default)
        t = self.type(node).prune()
        if t == NONE:
            return f64(-1.0)
        return self.coerce(self.value(node), t, FLOAT)

    def str_or_null(self, node: ast.expr | None, default: str | None):
        if node is None:
            return self.string(default) if default is not None else NULL
        if self.type(node).prune() == NONE:
            return NULL
        return self.value(node)

    def actor_call(self, node: ast.Call, call: ActorCall):
        a, name, b = call.args, call.name, self.b
        if name in ("spawn", "run"):
            coro = self.value(a["coro"])
            args = [self.coro_header(coro), b.cast("PTR2INT", coro, I64)]
            if name == "spawn":
                return self.rt("pyvm_coro_spawn", args, I64)
            status = self.rt("pyvm_coro_run_main", args, I64)
            failed, ok = self.new_block("main_failed"), self.new_block("main_ok")
            b.jump_if(b.icmp("ne", status, i64(0)), failed, ok)
            b.position_at_end(failed)
            self.rt("pyvm_exit", [status], VOID, ("noreturn",))
            b.unreachable()
            b.position_at_end(ok)
            return None
        if name == "send":
            mt = self.type(a["msg"])
            pid, msg = self.value(a["pid"]), self.value(a["msg"])
            self.rt("pyvm_act_send", [pid, self.descriptor(mt), self.to_slot(msg, mt)])
            return None
        if name == "receive":
            timeout = self.seconds(a.get("timeout"), -1.0)
            if "where" in call.detail:
                inst = call.detail["where"]
                env = self.value(a["where"]) if inst.func.frees else NULL
                # the runtime calls it as pred(ctx, env, box) -> bool: a closure's uniform entry
                thunk = Sym(self.p.boxed_thunk(inst, SimpleNamespace(params=[DYN], ret=BOOL)))
                return self.rt("pyvm_act_receive_where", [thunk, env, timeout], PTR)
            return self.rt("pyvm_act_receive", [timeout], PTR)
        if name == "gather":
            t = self.type(node).prune()
            return self.rt("pyvm_coro_gather", [self.value(a["coros"]), self.descriptor(t)], PTR)
        if name == "self_pid":
            return self.rt("pyvm_act_self", [], I64)
        if name == "sleep":
            self.rt("pyvm_act_sleep", [self.seconds(a["seconds"], 0.0)])
            return None
        if name in _DIRECT_CALLS:
            fn, ret = _DIRECT_CALLS[name]
            values = [self.value(a[p]) for p, _ in _SIGNATURES[name] if p in a]
            result = self.rt(fn, values, ret)
            return None if ret == VOID else result
        if name == "kill":
            self.rt("pyvm_act_kill", [self.value(a["pid"]), self.str_or_null(a.get("reason"), "kill")])
            return None
        if name == "exit":
            self.rt("pyvm_act_exit", [self.str_or_null(a.get("reason"), "normal")], VOID, ("noreturn",))
            b.unreachable()
            b.position_at_end(self.new_block("after_exit"))
            return None
        if name == "Supervisor":
            restarts = self.value(a["max_restarts"]) if "max_restarts" in a else i64(3)
            trace = self.value(a["trace"]) if "trace" in a else i1(False)
            return self.rt("pyvm_sup_spec", [self.value(a["children"]), i64(call.detail["strategy"]), restarts,
                                             self.seconds(a.get("within_seconds"), 5.0),
                                             self.str_or_null(a.get("name"), None), trace], PTR)
        if name == "ChildSpec":
            cid, start = self.value(a["id"]), call.detail["start"]
            restart = i64(call.detail["restart"])
            if start == "supervisor":
                return self.rt("pyvm_sup_child_sup", [cid, self.value(a["start"]), restart], PTR)
            args = []
            if "args" in a:
                tup, tt = self.value(a["args"]), self.type(a["args"]).prune()
                args = [self.from_slot(self.tuple_get(tup, i64(i)), it) for i, it in enumerate(tt.items)]
            coro = self.make_coroutine(start, args)
            return self.rt("pyvm_sup_child", [cid, self.coro_header(coro), b.cast("PTR2INT", coro, I64), restart,
                                              self.seconds(a.get("shutdown"), 5.0)], PTR)
        raise AssertionError(name)

    # ---- received messages --------------------------------------------------------------------

    def unbox(self, box, t: Type):
        """The value of a message box as a static type (TypeError when it is not one)."""
        return self.from_slot(self.rt("pyvm_dyn_expect", [box, self.descriptor(t)], I64), t)

    def dyn_isinstance(self, box, tag: int):
        return self.rt("pyvm_dyn_isinstance", [box, i64(tag)], I1)

    def dyn_isinstance_of(self, box, classes: ast.expr):
        names = [n.id for n in (classes.elts if isinstance(classes, ast.Tuple) else [classes])]
        result = None
        for n in names:
            one = self.dyn_isinstance(box, CLASS_PATTERNS[n][0])
            result = one if result is None else self.b.binary("OR", result, one)
        return result

    def narrowed_body(self, node: ast.If) -> bool:
        """Lower an if-body under its isinstance narrowing, if it has one (see infer.Narrowing)."""
        narrowing = self.inst.targets.get(id(node))
        if not isinstance(narrowing, Narrowing):
            return False
        box = self.load_var(narrowing.name, node)
        value = self.unbox(box, resolve(narrowing.type))
        self.renames.append({narrowing.name: narrowing.fresh})
        try:
            self.store_var(narrowing.fresh, value)
            self.block(node.body)
        finally:
            self.renames.pop()
        return True

    def annotated_value(self, node: ast.AnnAssign):
        value = self.value(node.value)
        target = self.inst.targets.get(id(node))
        if isinstance(target, Unbox):
            return self.unbox(value, resolve(target.type))
        return value

    def dyn_compare(self, name: str, a, at: Type, b, bt: Type):
        """`is None` and `==` involving a received message or a pid (None when not such a case)."""
        if name in ("Is", "IsNot") and NONE in (at, bt) and ({at, bt} - {NONE}) <= {DYN, PID}:
            v, t = (a, at) if at != NONE else (b, bt)
            if t == DYN:
                same = self.dyn_isinstance(v, TAG_NONE)
            elif t == PID:
                same = self.b.icmp("eq", v, i64(0))
            else:
                same = i1(True)
            return same if name == "Is" else self.b.binary("XOR", same, i1(True))
        if name in ("Eq", "NotEq") and DYN in (at, bt):
            box, other, ot = (a, b, bt) if at == DYN else (b, a, at)
            eq = self.rt("pyvm_dyn_eq", [box, self.descriptor(ot), self.to_slot(other, ot)], I1)
            return eq if name == "Eq" else self.b.binary("XOR", eq, i1(True))
        return None
