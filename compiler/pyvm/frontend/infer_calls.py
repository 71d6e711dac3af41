"""Typing of calls: user functions (instantiated per argument types), builtins, methods and math."""

from __future__ import annotations

import ast

from pyvm.frontend.errors import error, unsupported
from pyvm.frontend.infer import MATH_FUNCTIONS, BuiltinCall, UserCall
from pyvm.frontend.types import (BOOL, CHILD_SPEC, FLOAT, INT, NONE, RANGE, STR, SUPERVISOR, BuiltinT, CoroT, DictT,
                                 DictViewT, FnRefT, IterT, ListT, ModuleT, TupleT, Type, TypeVar, UnifyError, unify)

NUMERIC = (INT, FLOAT, BOOL)


def call_type(fc, node: ast.Call) -> Type:
    func = node.func
    for kw in node.keywords:
        if kw.arg is None:
            raise unsupported(fc.source, kw, "**kwargs in calls")
    for a in node.args:
        if isinstance(a, ast.Starred):
            raise unsupported(fc.source, a, "*args in calls")
    if isinstance(func, ast.Attribute):
        base = fc.expr(func.value)
        base_p = base.prune()
        if isinstance(base_p, ModuleT):
            kind, owner, t = fc.module_attribute(base_p.module, func.attr, func)
            fc.inst.types[id(func)] = t
            return _call_value(fc, node, t)
        base_p = fc.need(base, func.value, "the object")
        return method_type(fc, node, base_p, func.attr)
    t = fc.expr(func)
    return _call_value(fc, node, t)


def _call_value(fc, node: ast.Call, t: Type) -> Type:
    t = t.prune()
    if isinstance(t, FnRefT):
        return user_call(fc, node, t)
    if isinstance(t, BuiltinT):
        return builtin_type(fc, node, t.name)
    if isinstance(t, TypeVar):
        fc.need(t, node.func, "the called function")
    raise fc.fail(node, f"'{t}' object is not callable")


def bind_arguments(fc, node: ast.Call, info, name: str) -> list[ast.expr | None]:
    """Match positional and keyword arguments to parameters, with CPython's error messages."""
    params = info.params
    bound: dict[str, ast.expr] = {}
    if len(node.args) > len(params):
        raise error(fc.source, node, "call", f"{name}() takes {len(params)} positional argument"
                    f"{'' if len(params) == 1 else 's'} but {len(node.args)} were given")
    for p, a in zip(params, node.args):
        bound[p] = a
    for kw in node.keywords:
        if kw.arg not in params:
            raise error(fc.source, kw, "call", f"{name}() got an unexpected keyword argument '{kw.arg}'")
        if kw.arg in bound:
            raise error(fc.source, kw, "call", f"{name}() got multiple values for argument '{kw.arg}'")
        bound[kw.arg] = kw.value
    missing = [p for p in params if p not in bound and p not in info.defaults]
    if missing:
        names = " and ".join(f"'{m}'" for m in missing) if len(missing) <= 2 else \
            ", ".join(f"'{m}'" for m in missing[:-1]) + f", and '{missing[-1]}'"
        raise error(fc.source, node, "call", f"{name}() missing {len(missing)} required positional argument"
                    f"{'' if len(missing) == 1 else 's'}: {names}")
    return [bound.get(p) for p in params]


def uniform_call(fc, node: ast.Call, fn: FnRefT) -> Type:
    """A call through a set of functions: one signature for all; each member instantiated with it."""
    root = fn.prune()
    if any(f.is_async for f, _ in root.members):
        raise unsupported(fc.source, node, "a call through a variable that may be one of several async functions")
    arities = {len(f.params) for f, _ in root.members}
    if node.keywords:
        raise unsupported(fc.source, node, "keyword arguments in a call through a function variable")
    if len(arities) != 1 or len(node.args) != next(iter(arities)):
        raise fc.fail(node, f"the functions this value may be take {sorted(arities)} arguments, "
                            f"called with {len(node.args)}")
    if root.params is None:
        root.params = [TypeVar() for _ in node.args]
        root.ret = TypeVar()
    for a, p in zip(node.args, root.params):
        fc.unify(p, fc.expr(a), a, "the argument")
    params = [fc.need(p, node, "the argument") for p in root.params]
    for function, parent in list(root.members):
        inst = fc.checker.instantiate(function, parent, params, node)
        fc.unify(root.ret, inst.ret, node, "the result of the function value")
    from pyvm.frontend.infer import UniformCall
    fc.inst.targets[id(node)] = UniformCall(root, tuple(node.args))
    return root.ret


def user_call(fc, node: ast.Call, fn: FnRefT) -> Type:
    if fn.uniform:
        return uniform_call(fc, node, fn)
    info = fn.function
    args = bind_arguments(fc, node, info, info.name)
    arg_types = []
    for p, a in zip(info.params, args):
        if a is None:
            default = info.defaults[p]
            if not _is_constant_default(default):
                raise unsupported(info.module.source, default, "default arguments that are not constants")
            arg_types.append(fc.need(fc.expr(default), default, "the default"))
        else:
            arg_types.append(fc.need(fc.expr(a), a, f"argument '{p}'"))
    inst = fc.checker.instantiate(info, fn.parent, arg_types, node)
    fc.inst.targets[id(node)] = UserCall(inst, tuple(args), node.func)
    if info.is_async:  # a coroutine: runs when awaited or spawned
        return CoroT(inst.ret)
    return inst.ret


def _is_constant_default(node: ast.expr) -> bool:
    """Defaults evaluated at each call must give what CPython computed once, at definition time:
    literals, and names or attributes of module-level constants (which cannot be reassigned)."""
    if isinstance(node, (ast.Constant, ast.Name, ast.Attribute)):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _is_constant_default(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_is_constant_default(e) for e in node.elts)
    return False


def _arity(fc, node: ast.Call, name: str, low: int, high: int | None = None, keywords=()) -> None:
    high = low if high is None else high
    n = len(node.args)
    if not low <= n <= high:
        want = f"{low}" if low == high else f"{low} to {high}"
        raise error(fc.source, node, "call", f"{name}() takes {want} argument{'s' if high != 1 else ''} ({n} given)")
    for kw in node.keywords:
        if kw.arg not in keywords:
            raise error(fc.source, kw, "call", f"{name}() got an unexpected keyword argument '{kw.arg}'")


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _call_key(fc, key_node: ast.expr, item: Type) -> Type:
    """Type a `key=` function applied to one item; records the instance for lowering."""
    kt = fc.need(fc.expr(key_node), key_node, "the key function").prune()
    if isinstance(kt, FnRefT) and kt.uniform:
        raise unsupported(fc.source, key_node, "a key function that may be one of several functions")
    if isinstance(kt, FnRefT):
        if len(kt.function.params) - len(kt.function.defaults) > 1 or not kt.function.params:
            raise fc.fail(key_node, "the key function must take one argument")
        inst = fc.checker.instantiate(kt.function, kt.parent, [item], key_node)
        fc.inst.targets[id(key_node)] = inst
        return inst.ret
    if isinstance(kt, BuiltinT) and kt.name in ("len", "abs", "str", "int", "float"):
        fc.inst.targets[id(key_node)] = kt.name
        return {"len": INT, "abs": item, "str": STR, "int": INT, "float": FLOAT}[kt.name]
    raise unsupported(fc.source, key_node, "this key function")


def builtin_type(fc, node: ast.Call, name: str) -> Type:
    from pyvm.frontend.infer import ACTOR_BUILTINS
    args = node.args
    fc.inst.targets[id(node)] = BuiltinCall(name)
    if name in ACTOR_BUILTINS or name in ("exit", "run"):
        from pyvm.frontend.infer_actors import actor_builtin_type
        return actor_builtin_type(fc, node, name)
    if name == "print":
        _arity(fc, node, name, 0, 1 << 30, ("sep", "end"))
        for a in args:
            t = fc.need(fc.expr(a), a, "the value to print")
            _printable(fc, t, a)
        for kw in node.keywords:
            fc.expect(fc.expr(kw.value), STR, kw.value, f"print() argument '{kw.arg}'")
        return NONE
    if name.startswith("math."):
        return _math_type(fc, node, name[5:])
    if name in ("len",):
        _arity(fc, node, name, 1)
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if not (t in (STR, RANGE) or isinstance(t, (ListT, DictT, TupleT, DictViewT))):
            raise fc.fail(node, f"object of type '{t}' has no len()")
        return INT
    if name == "range":
        _arity(fc, node, name, 1, 3)
        for a in args:
            fc.expect(fc.expr(a), INT, a, "a range() argument")
        return RANGE
    if name in ("int", "float", "str", "bool", "repr"):
        _arity(fc, node, name, 0 if name != "repr" else 1, 1)
        if not args:
            return {"int": INT, "float": FLOAT, "str": STR, "bool": BOOL}[name]
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if name == "int" and t not in (INT, FLOAT, BOOL, STR):
            raise fc.fail(node, f"int() argument must be a string or a real number, not '{t}'")
        if name == "float" and t not in (INT, FLOAT, BOOL, STR):
            raise fc.fail(node, f"float() argument must be a string or a real number, not '{t}'")
        if name in ("str", "repr"):
            _printable(fc, t, args[0])
        return {"int": INT, "float": FLOAT, "str": STR, "bool": BOOL, "repr": STR}[name]
    if name == "abs":
        _arity(fc, node, name, 1)
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if t not in NUMERIC:
            raise fc.fail(node, f"bad operand type for abs(): '{t}'")
        return INT if t == BOOL else t
    if name in ("min", "max"):
        _arity(fc, node, name, 1, 1 << 30, ("key", "default"))
        if _keyword(node, "default") is not None:
            raise unsupported(fc.source, node, f"{name}() with default=")
        if len(args) == 1:
            t = fc.need(fc.expr(args[0]), args[0], "the argument")
            item = fc.item_of(t, args[0])
        else:
            types = [fc.need(fc.expr(a), a, "the argument") for a in args]
            item = types[0]
            for a, t in zip(args[1:], types[1:]):
                if t != item and {t, item} <= set(NUMERIC):
                    raise unsupported(fc.source, node, f"{name}() of {item} and {t} (the result could be either)")
                fc.unify(item, t, a, f"{name}() argument")
        key = _keyword(node, "key")
        if key is not None:
            _call_key(fc, key, item)
        return item
    if name == "sum":
        _arity(fc, node, name, 1, 2)
        item = fc.item_of(fc.need(fc.expr(args[0]), args[0], "the argument"), args[0])
        item = fc.need(item, args[0], "the items")
        if item not in NUMERIC:
            raise unsupported(fc.source, node, f"sum() of {item}")
        if len(args) == 2:
            start = fc.need(fc.expr(args[1]), args[1], "the start")
            if start != item and not (start == INT and item == FLOAT):
                raise unsupported(fc.source, node, f"sum() of {item} starting from {start}")
        return INT if item == BOOL else item
    if name == "sorted":
        _arity(fc, node, name, 1, 1, ("key", "reverse"))
        item = fc.item_of(fc.need(fc.expr(args[0]), args[0], "the argument"), args[0])
        _sort_keywords(fc, node, item)
        return ListT(item)
    if name in ("reversed", "enumerate"):
        _arity(fc, node, name, 1, 2 if name == "enumerate" else 1, ("start",) if name == "enumerate" else ())
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if name == "reversed" and not (t in (STR, RANGE) or isinstance(t, (ListT, TupleT))):
            raise fc.fail(node, f"'{t}' object is not reversible")
        fc.item_of(t, args[0])
        for extra in args[1:] + [kw.value for kw in node.keywords]:
            fc.expect(fc.expr(extra), INT, extra, "enumerate() start")
        return IterT(name, (t,))
    if name == "zip":
        _arity(fc, node, name, 1, 1 << 30, ("strict",))
        types = []
        for a in args:
            t = fc.need(fc.expr(a), a, "the argument")
            fc.item_of(t, a)
            types.append(t)
        if node.keywords:
            raise unsupported(fc.source, node, "zip(strict=...)")
        return IterT("zip", tuple(types))
    if name == "ord":
        _arity(fc, node, name, 1)
        fc.expect(fc.expr(args[0]), STR, args[0], "ord() argument")
        return INT
    if name == "chr":
        _arity(fc, node, name, 1)
        fc.expect(fc.expr(args[0]), INT, args[0], "chr() argument")
        return STR
    if name == "round":
        _arity(fc, node, name, 1, 2, ("ndigits",))
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if t not in NUMERIC:
            raise fc.fail(node, f"type {t} doesn't define __round__ method")
        ndigits = args[1] if len(args) == 2 else _keyword(node, "ndigits")
        if ndigits is not None:
            fc.expect(fc.expr(ndigits), INT, ndigits, "round() ndigits")
            return FLOAT if t == FLOAT else INT
        return INT
    if name == "isinstance":
        _arity(fc, node, name, 2)
        fc.expr(args[0])
        _isinstance_classes(fc, args[1])
        return BOOL
    if name == "list":
        _arity(fc, node, name, 0, 1)
        if not args:
            return ListT(TypeVar())
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        return ListT(fc.item_of(t, args[0]))
    if name == "tuple":
        raise unsupported(fc.source, node, "tuple() of an iterable (its length is not known statically)")
    if name == "dict":
        _arity(fc, node, name, 0, 1)
        if node.keywords:
            raise unsupported(fc.source, node, "dict() with keyword arguments")
        if not args:
            return DictT(TypeVar(), TypeVar())
        t = fc.need(fc.expr(args[0]), args[0], "the argument")
        if isinstance(t, DictT):
            return DictT(t.key, t.value)
        item = fc.need(fc.item_of(t, args[0]), args[0], "the items").prune()
        if isinstance(item, TupleT) and len(item.items) == 2:
            return DictT(item.items[0], item.items[1])
        raise fc.fail(node, "dict() needs a dict or an iterable of pairs")
    raise unsupported(fc.source, node, f"the builtin {name}()")


def _isinstance_classes(fc, node: ast.expr) -> None:
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    for n in names:
        if not (isinstance(n, ast.Name) and n.id in ("int", "float", "str", "bool", "list", "dict", "tuple", "Pid")):
            raise unsupported(fc.source, n, f"isinstance() with '{ast.unparse(n)}'")


def _printable(fc, t: Type, node: ast.AST) -> None:
    t = t.prune()
    if isinstance(t, (FnRefT, ModuleT, BuiltinT, IterT, DictViewT, CoroT)) or t in (RANGE, SUPERVISOR, CHILD_SPEC):
        raise unsupported(fc.source, node, f"printing a {t}")
    for sub in t.walk():  # an unconstrained element type (print([])) is settled as int at the end
        if isinstance(sub, (FnRefT, ModuleT, BuiltinT, CoroT)) or sub in (SUPERVISOR, CHILD_SPEC):
            raise unsupported(fc.source, node, f"printing a {t}")


def _sort_keywords(fc, node: ast.Call, item: Type) -> None:
    key = _keyword(node, "key")
    if key is not None:
        _call_key(fc, key, item)
    reverse = _keyword(node, "reverse")
    if reverse is not None:
        fc.expect(fc.expr(reverse), BOOL, reverse, "reverse")
    for kw in node.keywords:
        if kw.arg not in ("key", "reverse"):
            raise error(fc.source, kw, "call", f"sort() got an unexpected keyword argument '{kw.arg}'")


def _math_type(fc, node: ast.Call, name: str) -> Type:
    arity = MATH_FUNCTIONS[name]
    low, high = (arity, arity) if isinstance(arity, int) else arity
    _arity(fc, node, f"math.{name}", low, high, ("rel_tol", "abs_tol") if name == "isclose" else ())
    for a in node.args + [kw.value for kw in node.keywords]:
        t = fc.need(fc.expr(a), a, "the argument")
        if t not in NUMERIC:
            raise fc.fail(a, f"must be real number, not {t}")
    if name in ("floor", "ceil", "trunc"):
        return INT
    if name == "isclose":
        return BOOL
    return FLOAT


# ---- methods -------------------------------------------------------------------------------------

def method_type(fc, node: ast.Call, base: Type, name: str) -> Type:
    args = node.args
    if base == STR:
        kind = "str"
    elif isinstance(base, ListT):
        kind = "list"
    elif isinstance(base, DictT):
        kind = "dict"
    else:
        raise error(fc.source, node.func, "attribute", f"'{base}' object has no attribute '{name}'")
    full = f"{kind}.{name}"
    if full in _MUTATING:
        fc.check_not_global_container(node.func.value)
    fc.inst.targets[id(node)] = BuiltinCall(full)
    sig = _METHODS.get(full)
    if sig is None:
        raise error(fc.source, node.func, "attribute", f"'{kind}' object has no attribute '{name}'"
                    if name not in _KNOWN_UNSUPPORTED else f"unsupported: {full}()")
    low, high, keywords = sig
    _arity(fc, node, name, low, high, keywords)
    return _method_result(fc, node, base, full, args)


def _method_result(fc, node, base, full, args) -> Type:
    def arg(i, want, what="argument"):
        fc.expect(fc.expr(args[i]), want, args[i], f"{full}() {what}")

    if base == STR:
        if full in ("str.split", "str.rsplit"):
            if args:
                t = fc.need(fc.expr(args[0]), args[0], "the separator")
                if t not in (STR, NONE):
                    raise fc.fail(args[0], f"must be str or None, not {t}")
            if len(args) > 1:
                arg(1, INT, "maxsplit")
            for kw in node.keywords:
                fc.expr(kw.value)
            return ListT(STR)
        if full == "str.join":
            t = fc.need(fc.expr(args[0]), args[0], "the argument")
            item = fc.need(fc.item_of(t, args[0]), args[0], "the items")
            if item != STR:
                raise fc.fail(args[0], f"sequence item 0: expected str instance, {item} found")
            return STR
        if full in ("str.strip", "str.lstrip", "str.rstrip"):
            if args:
                arg(0, STR, "chars")
            return STR
        if full == "str.replace":
            arg(0, STR)
            arg(1, STR)
            if len(args) > 2:
                arg(2, INT, "count")
            return STR
        if full in ("str.find", "str.rfind", "str.index", "str.rindex", "str.count"):
            arg(0, STR)
            for i in range(1, len(args)):
                arg(i, INT, "start/end")
            return INT
        if full in ("str.startswith", "str.endswith"):
            t = fc.need(fc.expr(args[0]), args[0], "the prefix")
            if t != STR and not (isinstance(t, TupleT) and all(x.prune() == STR for x in t.items)):
                raise fc.fail(args[0], f"{full[4:]} first arg must be str or a tuple of str, not {t}")
            return BOOL
        if full in ("str.upper", "str.lower", "str.title", "str.capitalize", "str.swapcase"):
            return STR
        if full in ("str.ljust", "str.rjust", "str.center", "str.zfill"):
            arg(0, INT, "width")
            if len(args) > 1:
                arg(1, STR, "fillchar")
            return STR
        return BOOL  # the is* predicates
    if isinstance(base, ListT):
        elem = base.elem
        if full == "list.append":
            fc.unify(elem, fc.expr(args[0]), args[0], "the list element")
            return NONE
        if full == "list.extend":
            t = fc.need(fc.expr(args[0]), args[0], "the argument")
            fc.unify(elem, fc.item_of(t, args[0]), args[0], "the list element")
            return NONE
        if full == "list.insert":
            arg(0, INT, "index")
            fc.unify(elem, fc.expr(args[1]), args[1], "the list element")
            return NONE
        if full == "list.pop":
            if args:
                arg(0, INT, "index")
            return elem
        if full in ("list.index", "list.count", "list.remove"):
            fc.unify(elem, fc.expr(args[0]), args[0], "the value")
            return NONE if full == "list.remove" else INT
        if full == "list.copy":
            return base
        if full == "list.sort":
            _sort_keywords(fc, node, elem)
            return NONE
        if full in ("list.reverse", "list.clear"):
            return NONE
    if isinstance(base, DictT):
        if full == "dict.get":
            if len(args) < 2:
                raise unsupported(fc.source, node, "dict.get without a default")
            fc.unify(base.key, fc.expr(args[0]), args[0], "the key")
            default = fc.expr(args[1])
            if default.prune() == NONE and base.value.prune() != NONE:
                raise unsupported(fc.source, node, "dict.get with a None default (values cannot be None)")
            fc.unify(base.value, default, args[1], "the default")
            return base.value
        if full in ("dict.keys", "dict.values", "dict.items"):
            return DictViewT(base, full[5:])
        if full == "dict.setdefault":
            fc.unify(base.key, fc.expr(args[0]), args[0], "the key")
            if len(args) < 2:
                raise unsupported(fc.source, node, "dict.setdefault without a default")
            fc.unify(base.value, fc.expr(args[1]), args[1], "the default")
            return base.value
        if full == "dict.pop":
            fc.unify(base.key, fc.expr(args[0]), args[0], "the key")
            if len(args) > 1:
                fc.unify(base.value, fc.expr(args[1]), args[1], "the default")
            return base.value
        if full == "dict.copy":
            return base
        if full == "dict.clear":
            return NONE
        if full == "dict.update":
            t = fc.need(fc.expr(args[0]), args[0], "the argument")
            fc.unify(base, t, args[0], "the dict")
            return NONE
    raise unsupported(fc.source, node, f"{full}()")


_METHODS = {
    "str.split": (0, 2, ("sep", "maxsplit")), "str.rsplit": (0, 2, ("sep", "maxsplit")),
    "str.join": (1, 1, ()), "str.strip": (0, 1, ()), "str.lstrip": (0, 1, ()), "str.rstrip": (0, 1, ()),
    "str.replace": (2, 3, ()), "str.find": (1, 3, ()), "str.rfind": (1, 3, ()), "str.index": (1, 3, ()),
    "str.rindex": (1, 3, ()), "str.count": (1, 3, ()), "str.startswith": (1, 1, ()), "str.endswith": (1, 1, ()),
    "str.upper": (0, 0, ()), "str.lower": (0, 0, ()), "str.isdigit": (0, 0, ()), "str.isalpha": (0, 0, ()),
    "str.isspace": (0, 0, ()), "str.isalnum": (0, 0, ()), "str.isupper": (0, 0, ()), "str.islower": (0, 0, ()),
    "str.ljust": (1, 2, ()), "str.rjust": (1, 2, ()), "str.center": (1, 2, ()), "str.zfill": (1, 1, ()),
    "str.title": (0, 0, ()), "str.capitalize": (0, 0, ()), "str.swapcase": (0, 0, ()),
    "list.append": (1, 1, ()), "list.extend": (1, 1, ()), "list.insert": (2, 2, ()), "list.pop": (0, 1, ()),
    "list.index": (1, 1, ()), "list.count": (1, 1, ()), "list.remove": (1, 1, ()), "list.copy": (0, 0, ()),
    "list.sort": (0, 0, ("key", "reverse")), "list.reverse": (0, 0, ()), "list.clear": (0, 0, ()),
    "dict.get": (1, 2, ()), "dict.keys": (0, 0, ()), "dict.values": (0, 0, ()), "dict.items": (0, 0, ()),
    "dict.setdefault": (1, 2, ()), "dict.pop": (1, 2, ()), "dict.copy": (0, 0, ()), "dict.clear": (0, 0, ()),
    "dict.update": (1, 1, ()),
}
_MUTATING = {"list.append", "list.extend", "list.insert", "list.pop", "list.remove", "list.sort", "list.reverse",
             "list.clear", "dict.setdefault", "dict.pop", "dict.clear", "dict.update"}
_KNOWN_UNSUPPORTED = {"format", "encode", "partition", "rpartition", "splitlines", "expandtabs", "translate",
                      "maketrans", "casefold", "popitem", "fromkeys"}
