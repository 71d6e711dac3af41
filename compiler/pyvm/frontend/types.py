"""The language's static types and their unification.

Types are values: `INT`, `FLOAT`, `BOOL`, `NONE`, `STR`, `ListT(elem)`, `DictT(key, value)`,
`TupleT(items)`, `FnRefT(function)` (a particular function or lambda, as Codon and Julia type them:
calls through it are direct and it is instantiated per argument types), `RangeT`, `ModuleT`, and
`TypeVar` for what inference has not decided yet. Unification binds type variables (union-find);
it never converts int to float: a variable, list or return keeps one type.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pyvm.kir import types as kt


class Type:
    def prune(self) -> "Type":
        return self

    @property
    def is_resolved(self) -> bool:
        return not any(isinstance(t, TypeVar) for t in self.walk())  # walk yields only unbound vars

    def walk(self):
        yield self


@dataclass(frozen=True, eq=True)
class Prim(Type):
    name: str

    def __str__(self) -> str:
        return self.name


INT, FLOAT, BOOL, NONE, STR = Prim("int"), Prim("float"), Prim("bool"), Prim("None"), Prim("str")
RANGE = Prim("range")
# Actors (compiler/pyvm/ACTORS.md): a pid (an i64 serial, 0 = None), a received message of dynamic type (a box:
# the runtime's descriptor `A`), and the opaque supervisor specs (malloc'd by the runtime, never traced).
PID, DYN = Prim("Pid"), Prim("Any")
SUPERVISOR, CHILD_SPEC = Prim("Supervisor"), Prim("ChildSpec")


class TypeVar(Type):
    _ids = itertools.count()

    def __init__(self):
        self.id = next(self._ids)
        self.bound: Type | None = None

    def prune(self) -> Type:
        t: Type = self
        while isinstance(t, TypeVar) and t.bound is not None:
            t = t.bound
        if t is not self and isinstance(self.bound, TypeVar):
            self.bound = t  # path compression
        return t

    def __str__(self) -> str:
        t = self.prune()
        return f"?{self.id}" if t is self else str(t)

    def walk(self):
        t = self.prune()
        if t is self:
            yield self
        else:
            yield from t.walk()


@dataclass(frozen=True, eq=False)
class ListT(Type):
    elem: Type

    def __str__(self) -> str:
        return f"list[{self.elem}]"

    def walk(self):
        yield self
        yield from self.elem.walk()


@dataclass(frozen=True, eq=False)
class DictT(Type):
    key: Type
    value: Type

    def __str__(self) -> str:
        return f"dict[{self.key}, {self.value}]"

    def walk(self):
        yield self
        yield from self.key.walk()
        yield from self.value.walk()


@dataclass(frozen=True, eq=False)
class TupleT(Type):
    items: tuple[Type, ...]

    def __str__(self) -> str:
        return f"tuple[{', '.join(map(str, self.items))}]" if self.items else "tuple[()]"

    def walk(self):
        yield self
        for t in self.items:
            yield from t.walk()


@dataclass(frozen=True, eq=False)
class DictViewT(Type):
    """d.keys(), d.values(), d.items(): iterable, sized, listable; not printable."""

    dict: Type
    kind: str  # "keys" | "values" | "items"

    def __str__(self) -> str:
        return f"dict_{self.kind}"

    def walk(self):
        yield self
        yield from self.dict.walk()


@dataclass(frozen=True, eq=False)
class IterT(Type):
    """enumerate(...), zip(...), reversed(...): usable where an iterable is consumed."""

    kind: str  # "enumerate" | "zip" | "reversed"
    sources: tuple[Type, ...]

    def __str__(self) -> str:
        return self.kind

    def walk(self):
        yield self
        for t in self.sources:
            yield from t.walk()


@dataclass(frozen=True, eq=False)
class CoroT(Type):
    """A coroutine: what calling an `async def` gives before it is awaited or spawned. At run time a
    tuple (actor entry, inline runner, arguments...) whose own header describes it (ACTORS.md §3)."""

    ret: Type

    def __str__(self) -> str:
        return f"coroutine[{self.ret}]"

    def walk(self):
        yield self
        yield from self.ret.walk()


class FnRefT(Type):
    """Function values: the set of functions (defs or lambdas, each with the instance of its
    enclosing function it was created in) that a value may be.

    A value known to be one particular function is specialised: calls are direct and instantiate
    it per argument types, and its run-time value is just its closure environment. When unification
    meets two different functions in one place (a list of callbacks, a dict of operations), their
    sets merge (union-find) and the value becomes uniform: a closure object with a code pointer,
    called indirectly with the set's one parameter and return types.
    """

    def __init__(self, function, parent=None):
        self.members: list[tuple[object, object]] = [(function, parent)]
        self.link: "FnRefT | None" = None
        self.params: list[Type] | None = None  # uniform signature, once the set has several members
        self.ret: Type | None = None

    def prune(self) -> "FnRefT":
        root = self
        while root.link is not None:
            root = root.link
        if self.link is not None and self.link is not root:
            self.link = root
        return root

    @property
    def function(self):
        return self.prune().members[0][0]

    @property
    def parent(self):
        return self.prune().members[0][1]

    @property
    def uniform(self) -> bool:
        return len(self.prune().members) > 1

    def __str__(self) -> str:
        root = self.prune()
        names = ", ".join(f.qualname for f, _ in root.members)
        return f"function {names}" if len(root.members) == 1 else f"function ({names})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, FnRefT):
            return False
        a, b = self.prune(), other.prune()
        return a is b or (len(a.members) == 1 and len(b.members) == 1 and a.members[0][0] is b.members[0][0]
                          and a.members[0][1] is b.members[0][1])

    def __hash__(self) -> int:
        root = self.prune()
        return hash((id(root.members[0][0]), id(root.members[0][1]))) if len(root.members) == 1 else id(root)

    def walk(self):
        yield self
        root = self.prune()
        for t in (root.params or []) + ([root.ret] if root.ret is not None else []):
            yield from t.walk()


MERGES = [0]  # bumped when a set gains a member: calls typed as direct must be typed again


def merge_functions(a: FnRefT, b: FnRefT) -> FnRefT:
    a, b = a.prune(), b.prune()
    if a is b:
        return a
    for member in b.members:
        if not any(member[0] is m[0] and member[1] is m[1] for m in a.members):
            a.members.append(member)
            MERGES[0] += 1
    if b.params is not None:
        if a.params is None:
            a.params, a.ret = b.params, b.ret
        else:
            if len(a.params) != len(b.params):
                raise UnifyError(f"functions of {len(a.params)} and {len(b.params)} parameters")
            for x, y in zip(a.params, b.params):
                unify(x, y)
            unify(a.ret, b.ret)
    b.link = a
    return a


@dataclass(frozen=True, eq=False)
class ModuleT(Type):
    module: object  # frontend.program.ModuleInfo, or the name of a builtin module ("math")

    def __str__(self) -> str:
        return f"module {getattr(self.module, 'name', self.module)}"


@dataclass(frozen=True, eq=False)
class BuiltinT(Type):
    """A builtin function or type used as a value (`len`, `int`): only callable, or an isinstance target."""

    name: str

    def __str__(self) -> str:
        return f"builtin {self.name}"


class UnifyError(Exception):
    pass


def unify(a: Type, b: Type) -> Type:
    a, b = a.prune(), b.prune()
    if a is b:
        return a
    if isinstance(a, TypeVar):
        if _occurs(a, b):
            raise UnifyError(f"recursive type {a} = {b}")
        a.bound = b
        return b
    if isinstance(b, TypeVar):
        return unify(b, a)
    if isinstance(a, Prim) and isinstance(b, Prim):
        if a != b:
            raise UnifyError(f"{a} vs {b}")
        return a
    if isinstance(a, ListT) and isinstance(b, ListT):
        _nested(a.elem, b.elem, a, b)
        return a
    if isinstance(a, DictT) and isinstance(b, DictT):
        _nested(a.key, b.key, a, b)
        _nested(a.value, b.value, a, b)
        return a
    if isinstance(a, TupleT) and isinstance(b, TupleT) and len(a.items) == len(b.items):
        for x, y in zip(a.items, b.items):
            _nested(x, y, a, b)
        return a
    if isinstance(a, FnRefT) and isinstance(b, FnRefT):
        return merge_functions(a, b)
    if isinstance(a, CoroT) and isinstance(b, CoroT):
        _nested(a.ret, b.ret, a, b)
        return a
    raise UnifyError(f"{a} vs {b}")


def _nested(x: Type, y: Type, a: Type, b: Type) -> None:
    try:
        unify(x, y)
    except UnifyError:
        raise UnifyError(f"{a} vs {b}") from None


def _occurs(var: TypeVar, t: Type) -> bool:
    return any(u is var for u in t.walk() if u is not t or isinstance(u, TypeVar))


def resolve(t: Type, default: Type | None = INT) -> Type:
    """The type with every variable replaced by its binding (unbound ones by `default`)."""
    t = t.prune()
    if isinstance(t, TypeVar):
        if default is None:
            return t
        t.bound = default
        return default
    if isinstance(t, ListT):
        return ListT(resolve(t.elem, default))
    if isinstance(t, DictT):
        return DictT(resolve(t.key, default), resolve(t.value, default))
    if isinstance(t, TupleT):
        return TupleT(tuple(resolve(x, default) for x in t.items))
    if isinstance(t, DictViewT):
        return DictViewT(resolve(t.dict, default), t.kind)
    if isinstance(t, IterT):
        return IterT(t.kind, tuple(resolve(x, default) for x in t.sources))
    if isinstance(t, CoroT):
        return CoroT(resolve(t.ret, default))
    return t


def key_of(t: Type) -> object:
    """A hashable identity of a (resolved) type, for instance caches and type-descriptor interning."""
    t = t.prune()
    if isinstance(t, Prim):
        return t.name
    if isinstance(t, ListT):
        return ("list", key_of(t.elem))
    if isinstance(t, DictT):
        return ("dict", key_of(t.key), key_of(t.value))
    if isinstance(t, TupleT):
        return ("tuple",) + tuple(key_of(x) for x in t.items)
    if isinstance(t, FnRefT):
        root = t.prune()
        return ("fn", id(root.members[0][0]), id(root.members[0][1])) if len(root.members) == 1 else ("fnset", id(root))
    if isinstance(t, TypeVar):
        return ("var", t.id)
    if isinstance(t, DictViewT):
        return ("view", t.kind, key_of(t.dict))
    if isinstance(t, IterT):
        return ("iter", t.kind) + tuple(key_of(x) for x in t.sources)
    if isinstance(t, ModuleT):
        return ("module", id(t.module))
    if isinstance(t, BuiltinT):
        return ("builtin", t.name)
    if isinstance(t, CoroT):
        return ("coro", key_of(t.ret))
    raise TypeError(t)


def is_numeric(t: Type) -> bool:
    return t.prune() in (INT, FLOAT, BOOL)


def kir_type(t: Type) -> kt.Type:
    """How a value of this type travels in KIR registers."""
    t = t.prune()
    if t == INT:
        return kt.I64
    if t == FLOAT:
        return kt.F64
    if t == BOOL:
        return kt.I1
    if t == NONE:
        return kt.VOID
    if t == PID:
        return kt.I64
    return kt.PTR


def descriptor(t: Type) -> str:
    """The runtime's type-descriptor spec (runtime/README.md): how the runtime prints, compares,
    hashes and (later) traces a value it holds in an 8-byte slot."""
    t = t.prune()
    if isinstance(t, Prim):
        return {"int": "i", "float": "f", "bool": "b", "None": "n", "str": "s", "Pid": "P", "Any": "A",
                "Supervisor": "i", "ChildSpec": "i"}[t.name]
    if isinstance(t, ListT):
        return f"L({descriptor(t.elem)})"
    if isinstance(t, DictT):
        return f"D({descriptor(t.key)},{descriptor(t.value)})"
    if isinstance(t, TupleT):
        return "T(" + ",".join(descriptor(x) for x in t.items) + ")"
    if isinstance(t, (FnRefT, CoroT)):
        return "F"  # a self-describing object: the collector traces it by its own header
    raise TypeError(f"no runtime descriptor for {t}")
