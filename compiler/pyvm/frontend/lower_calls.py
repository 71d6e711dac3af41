"""Lowering of calls: user functions (direct calls to the instance), builtins, methods, math."""

from __future__ import annotations

import ast

from pyvm.frontend.errors import unsupported
from pyvm.frontend.infer import BuiltinCall, Instance, UniformCall, UserCall
from pyvm.frontend.infer_actors import ActorCall
from pyvm.frontend.types import (BOOL, DYN, FLOAT, INT, NONE, PID, RANGE, STR, DictT, DictViewT, FnRefT, IterT, ListT,
                                 TupleT, Type, kir_type, resolve)
from pyvm.kir import NULL, Const, Sym, i1, i64
from pyvm.kir.types import F64, I1, I64, PTR, VOID


def kir_i32(value: int):
    from pyvm.kir.types import I32
    return Const(I32, value)


def _keyword(node: ast.Call, name: str):
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


class CallLowering:
    def expr_Call(self, node: ast.Call):
        target = self.inst.targets.get(id(node))
        if isinstance(target, UniformCall) or (isinstance(target, UserCall) and self.is_uniform(node.func)):
            return self.uniform_call(node)
        if isinstance(target, UserCall):
            return self.user_call(node, target)
        if isinstance(target, ActorCall):
            return self.actor_call(node, target)
        if isinstance(target, BuiltinCall):
            name = target.name
            if "." in name and not name.startswith("math."):
                return self.method_call(node, name)
            return self.builtin_call(node, name)
        raise unsupported(self.source, node, "this call")

    # ---- user functions --------------------------------------------------------------------------

    def call_instance(self, inst: Instance, env, args: list):
        name = self.p.function_name(inst)
        callee = self.p.canonical(inst)
        values = [self.ctx] + ([env] if callee.func.frees else []) + args
        ret = kir_type(resolve(callee.ret))
        self.mark_line()
        self.needs_frame = True
        return self.b.call(Sym(name), values, ret)

    def user_call(self, node: ast.Call, target: UserCall, inline: bool = False):
        """A direct call; of an `async def`, a coroutine unless awaited on the spot (`inline`)."""
        inst = target.instance
        args = []
        for pname, ptype, arg in zip(inst.func.params, inst.param_types, target.args):
            expr = arg if arg is not None else inst.func.defaults[pname]
            args.append(self.value(expr))
        if inst.func.is_async and not inline:
            return self.make_coroutine(inst, args)
        env = self.value(node.func) if inst.func.frees else None
        return self.call_instance(inst, env, args)

    # ---- function values that may be one of several functions -------------------------------------

    def is_uniform(self, node: ast.expr) -> bool:
        t = self.inst.types.get(id(node))
        return t is not None and isinstance(t.prune(), FnRefT) and t.prune().uniform

    def function_value(self, node: ast.AST, info, raw):
        """The run-time value of the function `info` created at `node` (raw: its environment);
        boxed into a closure object when the value's type is a set of several functions."""
        t = self.inst.types.get(id(node))
        if t is None or not isinstance(t.prune(), FnRefT) or not t.prune().uniform:
            return raw
        return self.box_function(t.prune(), info, raw)

    def box_function(self, fnset: FnRefT, info, env):
        """A closure object: 16 code (a thunk taking the environment first), 24 name, 32 ncaptures=1,
        40 the environment (runtime/core/obj.h pyvm_closure)."""
        parent = next((p for f, p in fnset.members if f is info), None)
        params = [resolve(t) for t in fnset.params] if fnset.params is not None else []
        if fnset.params is None:
            raise unsupported(self.source, info.node, "a function value that is never called")
        inst = self.p.checker.instantiate(info, parent, params, info.node)
        thunk = self.p.boxed_thunk(inst, fnset)
        closure = self.rt("pyvm_alloc_obj", [kir_i32(6), self.descriptor_function(), i64(48)], PTR)
        b = self.b
        b.store(Sym(thunk), b.gep(closure, i64(0), 1, 16, "code"))
        b.store(self.p.cstring(info.qualname), b.gep(closure, i64(0), 1, 24, "name"))
        b.store(i64(1), b.gep(closure, i64(0), 1, 32, "n"))
        b.store(env if env is not None else NULL, b.gep(closure, i64(0), 1, 40, "env"))
        return closure

    def descriptor_function(self):
        return self.b.load(PTR, self.p.descriptor_spec("F"), hint="type")

    def uniform_call(self, node: ast.Call):
        closure = self.value(node.func)
        fnset = self.type(node.func).prune()
        b = self.b
        code = b.load(PTR, b.gep(closure, i64(0), 1, 16, "code"), hint="code")
        env = b.load(PTR, b.gep(closure, i64(0), 1, 40, "env"), hint="env")
        args = [self.coerce(self.value(a), self.type(a), resolve(p)) for a, p in zip(node.args, fnset.params)]
        ret = kir_type(resolve(fnset.ret))
        self.mark_line()
        self.needs_frame = True
        return b.emit("CALL", [code, self.ctx, env, *args], None if ret == VOID else ret, "r")

    def apply_key(self, key_node: ast.expr, value, t: Type):
        """The result of a `key=` function on one item (for sorted, min, max)."""
        target = self.inst.targets[id(key_node)]
        if isinstance(target, Instance):
            env = self.value(key_node) if target.func.frees else None
            return self.call_instance(target, env, [value]), resolve(target.ret)
        return {"len": lambda: (self.length(value, t), INT),
                "abs": lambda: (self.absolute(value, t), t),
                "str": lambda: (self.to_str(value, t), STR),
                "int": lambda: (self.to_int(value, t), INT),
                "float": lambda: (self.to_float(value, t), FLOAT)}[target]()

    # ---- builtins --------------------------------------------------------------------------------

    def builtin_call(self, node: ast.Call, name: str):
        args = node.args
        if name == "print":
            sep = _keyword(node, "sep")
            end = _keyword(node, "end")
            sep_v = self.value(sep) if sep is not None else self.string(" ")
            end_v = self.value(end) if end is not None else self.string("\n")
            values = [self.value(a) for a in args]  # all arguments first: str() sees later mutations
            for i, (a, v) in enumerate(zip(args, values)):
                if i:
                    self.rt("pyvm_print_str", [sep_v])
                self.rt("pyvm_print_str", [self.to_str(v, self.type(a))])
            self.rt("pyvm_print_str", [end_v])
            return None
        if name.startswith("math."):
            return self.math_call(node, name[5:])
        if name == "len":
            return self.length(self.value(args[0]), self.type(args[0]))
        if name == "range":
            vals = [self.value(a) for a in args]
            if len(vals) == 1:
                start, stop, step = i64(0), vals[0], i64(1)
            elif len(vals) == 2:
                start, stop, step = vals[0], vals[1], i64(1)
            else:
                start, stop, step = vals
                if not isinstance(step, Const):
                    self.fail_if(self.b.icmp("eq", step, i64(0)), "ValueError", "range() arg 3 must not be zero")
                elif step.value == 0:
                    self.raise_error("ValueError", "range() arg 3 must not be zero")
                    self.b.position_at_end(self.new_block("dead"))
            from pyvm.frontend.lower_iter import RangeValue
            return RangeValue(start, stop, step)
        if name in ("int", "float", "str", "bool", "repr"):
            if not args:
                return {"int": i64(0), "float": Const(F64, 0.0), "str": self.string("") if name == "str" else None,
                        "bool": i1(False)}[name]
            v, t = self.value(args[0]), self.type(args[0])
            if name == "int":
                return self.to_int(v, t)
            if name == "float":
                return self.to_float(v, t)
            if name == "str":
                return self.to_str(v, t)
            if name == "repr":
                return self.repr_of(v, t)
            return self.truthy(v, t)
        if name == "abs":
            return self.absolute(self.value(args[0]), self.type(args[0]))
        if name in ("min", "max"):
            return self.min_max(node, name)
        if name == "sum":
            return self.sum_of(node)
        if name == "sorted":
            lst = self.to_list(self.value(args[0]), self.type(args[0]))
            self.sort_list(lst, self.type(node).prune().elem, node)
            return lst
        if name == "reversed":
            return self.value(args[0])
        if name == "enumerate":
            start = _keyword(node, "start")
            if start is None and len(args) > 1:
                start = args[1]
            return (self.value(args[0]), self.type(args[0]).prune(), self.value(start) if start is not None else i64(0))
        if name == "zip":
            return [(self.value(a), self.type(a).prune()) for a in args]
        if name == "ord":
            return self.rt("pyvm_str_ord", [self.value(args[0])], I64)
        if name == "chr":
            return self.rt("pyvm_str_chr", [self.value(args[0])], PTR)
        if name == "round":
            return self.round_call(node)
        if name == "isinstance":
            if self.type(args[0]).prune() == DYN:
                return self.dyn_isinstance_of(self.value(args[0]), args[1])
            return i1(self.isinstance_result(self.type(args[0]).prune(), args[1]))
        if name == "list":
            if not args:
                return self.new_list(self.type(node).prune().elem, i64(0))
            return self.to_list(self.value(args[0]), self.type(args[0]))
        if name == "dict":
            t = self.type(node).prune()
            if not args:
                return self.rt("pyvm_dict_new", [self.descriptor(t)], PTR)
            src_t = self.type(args[0]).prune()
            src = self.value(args[0])
            if isinstance(src_t, DictT):
                return self.rt("pyvm_dict_copy", [src], PTR)
            d = self.rt("pyvm_dict_new", [self.descriptor(t)], PTR)

            def each(pair):
                from pyvm.frontend.lower_iter import Parts
                if isinstance(pair, Parts):
                    k, v = pair.values
                else:
                    k = self.from_slot(self.tuple_get(pair, i64(0)), t.key)
                    v = self.from_slot(self.tuple_get(pair, i64(1)), t.value)
                self.rt("pyvm_dict_set", [d, self.to_slot(k, t.key), self.to_slot(v, t.value)])
            self.for_each_value(src, src_t, each, [])
            return d
        raise unsupported(self.source, node, f"the builtin {name}()")

    def isinstance_result(self, t: Type, classes: ast.expr) -> bool:
        names = [n.id for n in (classes.elts if isinstance(classes, ast.Tuple) else [classes])]
        for n in names:
            if n == "int" and t in (INT, BOOL) or n == "float" and t == FLOAT or n == "str" and t == STR \
                    or n == "bool" and t == BOOL or n == "Pid" and t == PID or n == "list" and isinstance(t, ListT) \
                    or n == "dict" and isinstance(t, DictT) or n == "tuple" and isinstance(t, TupleT):
                return True
        return False

    def to_int(self, v, t: Type):
        t = t.prune()
        if t == INT:
            return v
        if t == BOOL:
            return self.b.cast("ZEXT", v, I64)
        if t == FLOAT:
            return self.rt("pyvm_float_to_int", [v], I64)
        return self.rt("pyvm_int_from_str", [v], I64)

    def to_float(self, v, t: Type):
        t = t.prune()
        if t == STR:
            return self.rt("pyvm_float_from_str", [v], F64)
        return self.coerce(v, t, FLOAT)

    def absolute(self, v, t: Type):
        t = t.prune()
        if t == FLOAT:
            return self.b.intrinsic("fabs", [v], F64)
        v = self.coerce(v, t, INT)
        self.fail_if(self.b.icmp("eq", v, i64(-(1 << 63))), "OverflowError", "integer overflow (PyVM ints are 64-bit)")
        negative = self.b.icmp("slt", v, i64(0))
        return self.b.emit("SELECT", [negative, self.b.emit("NEG", [v], I64, "neg"), v], I64, "abs")

    def round_call(self, node: ast.Call):
        args = node.args
        v, t = self.value(args[0]), self.type(args[0]).prune()
        ndigits = args[1] if len(args) > 1 else _keyword(node, "ndigits")
        if ndigits is None:
            if t == FLOAT:
                return self.rt("pyvm_float_round_to_int", [v], I64)
            return self.coerce(v, t, INT)
        n = self.value(ndigits)
        if t == FLOAT:
            return self.rt("pyvm_float_round", [v, n], F64)
        return self.rt("pyvm_int_round", [self.coerce(v, t, INT), n], I64)

    def min_max(self, node: ast.Call, name: str):
        result_t = self.type(node).prune()
        key = _keyword(node, "key")
        kt = self.kir_of(result_t)
        best = self.b.alloca(8, 8, name)
        best_key = self.b.alloca(8, 8, name + "key")
        first = self.b.alloca(8, 8, "first")
        self.b.store(i1(True), first)

        def consider(value):
            from pyvm.frontend.lower_iter import Parts
            if isinstance(value, Parts):
                value = self.build_tuple(value)
            k, kt_ = (self.apply_key(key, value, result_t) if key is not None else (value, result_t))
            is_first = self.b.load(I1, first, hint="first")
            take, test, done = self.new_block("take"), self.new_block("test"), self.new_block("kept")
            self.b.jump_if(is_first, take, test)
            self.b.position_at_end(test)
            current = self.b.load(self.kir_of(kt_), best_key, hint="bestkey")
            better = self.compare(ast.Lt() if name == "min" else ast.Gt(), k, kt_, current, kt_)
            self.b.jump_if(better, take, done)
            self.b.position_at_end(take)
            self.b.store(value, best)
            self.b.store(k, best_key)
            self.b.store(i1(False), first)
            self.b.jump(done)
            self.b.position_at_end(done)

        if len(node.args) == 1:
            source_t = self.type(node.args[0])
            self.for_each_value(self.value(node.args[0]), source_t, consider, [])
            self.fail_if(self.b.load(I1, first, hint="empty"), "ValueError", f"{name}() iterable argument is empty")
        else:
            for a in node.args:
                consider(self.coerce(self.value(a), self.type(a), result_t))
        return self.b.load(kt, best, hint=name)

    def kir_of(self, t: Type):
        return kir_type(t)

    def sum_of(self, node: ast.Call):
        result_t = self.type(node).prune()
        source = node.args[0]
        if result_t == FLOAT:
            # Python 3.12's sum() of floats is compensated (Neumaier), so the runtime does it.
            lst = self.to_list(self.value(source), self.type(source))
            start = self.coerce(self.value(node.args[1]), self.type(node.args[1]), FLOAT) if len(node.args) > 1 \
                else Const(F64, 0.0)
            total = self.b.cast("BITCAST", self.rt("pyvm_list_sum", [lst], I64), F64)
            return total if isinstance(start, Const) and start.value == 0.0 else self.b.binary("ADD", start, total)
        total = self.b.alloca(8, 8, "sum")
        start = self.coerce(self.value(node.args[1]), self.type(node.args[1]), INT) if len(node.args) > 1 else i64(0)
        self.b.store(start, total)
        from pyvm.frontend.lower_iter import _item_type
        item_t = _item_type(self, self.type(source))

        def add(value):
            cur = self.b.load(I64, total, hint="sum")
            self.b.store(self.int_binop("Add", cur, self.coerce(value, item_t, INT)), total)
        self.for_each_value(self.value(source), self.type(source), add, [])
        return self.b.load(I64, total, hint="sum")

    def sort_list(self, lst, elem: Type, node: ast.Call) -> None:
        key = _keyword(node, "key")
        reverse = _keyword(node, "reverse")
        rev = self.value(reverse) if reverse is not None else i1(False)
        if key is None:
            self.rt("pyvm_list_sort", [lst, NULL, rev])
            return
        keys = self.new_list(self._key_result_type(key, elem), i64(0))  # key(item) of every item, in order

        def each(value):
            k, kt = self.apply_key(key, value, elem)
            self.list_append(keys, self.to_slot(k, kt))
        self.for_each_value(lst, ListT(elem), each, [])
        self.rt("pyvm_list_sort", [lst, keys, rev])

    def _key_result_type(self, key_node, elem: Type) -> Type:
        target = self.inst.targets[id(key_node)]
        if isinstance(target, Instance):
            return resolve(target.ret)
        return {"len": INT, "abs": elem, "str": STR, "int": INT, "float": FLOAT}[target]

    # ---- math ------------------------------------------------------------------------------------

    def math_call(self, node: ast.Call, name: str):
        args = [self.coerce(self.value(a), self.type(a), FLOAT) for a in node.args]
        if name in ("floor", "ceil", "trunc"):
            t = self.type(node.args[0]).prune()
            if t in (INT, BOOL):
                return self.coerce(self.value(node.args[0]), t, INT)
            return self.rt(f"pyvm_math_{name}", args, I64)
        if name == "isclose":
            rel = _keyword(node, "rel_tol")
            abs_ = _keyword(node, "abs_tol")
            rel_v = self.coerce(self.value(rel), self.type(rel), FLOAT) if rel is not None else Const(F64, 1e-09)
            abs_v = self.coerce(self.value(abs_), self.type(abs_), FLOAT) if abs_ is not None else Const(F64, 0.0)
            return self.rt("pyvm_math_isclose", [args[0], args[1], rel_v, abs_v], I1)
        if name == "fabs":
            return self.b.intrinsic("fabs", args, F64)
        if name == "sqrt":  # inline: the only error is a negative argument
            self.fail_if(self.b.fcmp("olt", args[0], Const(F64, 0.0)), "ValueError", "math domain error")
            return self.b.intrinsic("sqrt", args, F64)
        if name == "log" and len(args) == 2:
            return self.rt("pyvm_math_log_base", args, F64)
        return self.rt(f"pyvm_math_{name}", args, F64)

    # ---- methods ---------------------------------------------------------------------------------

    def method_call(self, node: ast.Call, full: str):
        func = node.func
        obj, ot = self.value(func.value), self.type(func.value).prune()
        args = node.args
        kind, name = full.split(".")
        if kind == "str":
            return self.str_method(node, obj, name, args)
        if kind == "list":
            return self.list_method(node, obj, ot, name, args)
        return self.dict_method(node, obj, ot, name, args)

    def str_method(self, node, s, name, args):
        vals = [self.value(a) for a in args]
        if name in ("split", "rsplit"):
            sep = _keyword(node, "sep")
            maxsplit = _keyword(node, "maxsplit")
            sep_v = vals[0] if vals else (self.value(sep) if sep is not None else NULL)
            if (args and self.type(args[0]).prune() == NONE) or (sep is not None and self.type(sep).prune() == NONE):
                sep_v = NULL
            max_v = vals[1] if len(vals) > 1 else (self.value(maxsplit) if maxsplit is not None else i64(-1))
            return self.rt(f"pyvm_str_{name}", [s, sep_v, max_v], PTR)
        if name == "join":
            items = self.to_list(vals[0], self.type(args[0]))
            return self.rt("pyvm_str_join", [s, items], PTR)
        if name in ("strip", "lstrip", "rstrip"):
            return self.rt(f"pyvm_str_{name}", [s, vals[0] if vals else NULL], PTR)
        if name == "replace":
            return self.rt("pyvm_str_replace", [s, vals[0], vals[1], vals[2] if len(vals) > 2 else i64(-1)], PTR)
        if name in ("find", "rfind", "index", "rindex", "count"):
            if len(vals) == 1:
                return self.rt(f"pyvm_str_{name}", [s, vals[0]], I64)
            start = vals[1]
            end, flags = (vals[2], 0) if len(vals) > 2 else (i64(0), 2)
            base = {"find": "find", "rfind": "rfind", "count": "count", "index": "index", "rindex": "rindex"}[name]
            return self.rt(f"pyvm_str_{base}_range", [s, vals[0], start, end, i64(flags)], I64)
        if name in ("startswith", "endswith"):
            t = self.type(args[0]).prune()
            if isinstance(t, TupleT):
                result = i1(False)
                for i in range(len(t.items)):
                    part = self.from_slot(self.tuple_get(vals[0], i64(i)), STR)
                    result = self.b.binary("OR", result, self.rt(f"pyvm_str_{name}", [s, part], I1))
                return result
            return self.rt(f"pyvm_str_{name}", [s, vals[0]], I1)
        if name in ("ljust", "rjust", "center"):
            return self.rt(f"pyvm_str_{name}", [s, vals[0], vals[1] if len(vals) > 1 else NULL], PTR)
        if name == "zfill":
            return self.rt("pyvm_str_zfill", [s, vals[0]], PTR)
        if name in ("upper", "lower", "title", "capitalize", "swapcase"):
            return self.rt(f"pyvm_str_{name}", [s], PTR)
        return self.rt(f"pyvm_str_{name}", [s], I1)  # the is* predicates

    def list_method(self, node, lst, lt: ListT, name, args):
        elem = lt.elem
        if name == "append":
            v = self.coerce(self.value(args[0]), self.type(args[0]), elem)
            self.list_append(lst, self.to_slot(v, elem))
            return None
        if name == "extend":
            items = self.to_list(self.value(args[0]), self.type(args[0])) if not isinstance(
                self.type(args[0]).prune(), ListT) else self.value(args[0])
            self.rt("pyvm_list_extend", [lst, items])
            return None
        if name == "insert":
            self.rt("pyvm_list_insert", [lst, self.value(args[0]), self.to_slot(self.value(args[1]), elem)])
            return None
        if name == "pop":
            if args:
                return self.from_slot(self.rt("pyvm_list_pop_at", [lst, self.value(args[0])], I64), elem)
            return self.from_slot(self.list_pop(lst), elem)
        if name in ("index", "count", "remove"):
            v = self.to_slot(self.coerce(self.value(args[0]), self.type(args[0]), elem), elem)
            ret = VOID if name == "remove" else I64
            return self.rt(f"pyvm_list_{name}", [lst, v], ret)
        if name == "copy":
            return self.rt("pyvm_list_copy", [lst], PTR)
        if name == "sort":
            self.sort_list(lst, elem, node)
            return None
        if name in ("reverse", "clear"):
            self.rt(f"pyvm_list_{name}", [lst])
            return None
        raise unsupported(self.source, node, f"list.{name}()")

    def dict_method(self, node, d, dt: DictT, name, args):
        if name in ("keys", "values", "items"):
            return d
        if name == "get":
            key = self.to_slot(self.value(args[0]), dt.key)
            default = self.to_slot(self.value(args[1]), dt.value)
            return self.from_slot(self.rt("pyvm_dict_get_default", [d, key, default], I64), dt.value)
        if name == "setdefault":
            key = self.to_slot(self.value(args[0]), dt.key)
            default = self.to_slot(self.value(args[1]), dt.value)
            return self.from_slot(self.rt("pyvm_dict_setdefault", [d, key, default], I64), dt.value)
        if name == "pop":
            key = self.to_slot(self.value(args[0]), dt.key)
            if len(args) > 1:
                default = self.to_slot(self.value(args[1]), dt.value)
                return self.from_slot(self.rt("pyvm_dict_pop_default", [d, key, default], I64), dt.value)
            return self.from_slot(self.rt("pyvm_dict_pop", [d, key], I64), dt.value)
        if name == "copy":
            return self.rt("pyvm_dict_copy", [d], PTR)
        if name == "clear":
            self.rt("pyvm_dict_clear", [d])
            return None
        if name == "update":
            self.rt("pyvm_dict_update", [d, self.value(args[0])])
            return None
        raise unsupported(self.source, node, f"dict.{name}()")
