"""Type inference: each function is checked once per distinct tuple of argument types (an instance),
by unification over its body, as Codon does; annotations, where given, are checked.

For every instance the checker records the type of each expression node (`Instance.types`) and what
each call resolves to (`Instance.targets`); lowering reads both and never re-derives a type.
A statement that needs a type inference has not decided yet is retried in a later pass over the
body (types flow backwards through variables: `xs = []` is settled by a later `xs.append(1)`); what is
still undecided after the last pass is an error that asks for an annotation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from pyvm.frontend.errors import error, type_error, unsupported
from pyvm.frontend.program import MATH_CONSTANTS, MATH_FUNCTIONS, PYVM_NAMES, FunctionInfo, ModuleInfo
from pyvm.frontend.types import (BOOL, DYN, FLOAT, INT, NONE, PID, RANGE, STR, BuiltinT, CoroT, DictT, DictViewT,
                                 FnRefT, IterT, ListT, MERGES, ModuleT, TupleT, Type, TypeVar, UnifyError, key_of,
                                 resolve, unify)

MAX_PASSES = 4

BUILTIN_FUNCTIONS = {
    "print", "len", "range", "int", "float", "str", "bool", "abs", "min", "max", "sum", "sorted", "reversed",
    "enumerate", "zip", "ord", "chr", "round", "isinstance", "list", "dict", "tuple", "repr",
}
# Python builtins outside the subset: rejected as unsupported rather than as unknown names.
UNSUPPORTED_BUILTINS = {
    "eval", "exec", "compile", "open", "input", "getattr", "setattr", "hasattr", "delattr", "globals",
    "locals", "vars", "type", "id", "hash", "iter", "next", "set", "frozenset", "map", "filter", "any",
    "all", "divmod", "pow", "bin", "hex", "oct", "format", "callable", "super", "object", "property",
    "staticmethod", "classmethod", "slice", "bytes", "bytearray", "memoryview", "complex", "__import__",
    "breakpoint", "help", "dir", "issubclass", "ascii", "exit", "quit",
}

# The actor primitives that need no import (seed 000 uses them bare); `exit` and `run` must come from pyvm.
ACTOR_BUILTINS = PYVM_NAMES - {"exit", "run", "Pid"}


class Deferred(Exception):
    """A type needed here is not decided yet; the statement is retried in the next pass."""


@dataclass(eq=False)
class Instance:
    func: FunctionInfo
    parent: "Instance | None"
    param_types: list[Type]
    ret: Type
    vars: dict[str, Type] = field(default_factory=dict)
    types: dict[int, Type] = field(default_factory=dict)
    targets: dict[int, object] = field(default_factory=dict)
    done: bool = False
    kir_name: str = ""
    site: ast.AST | None = None  # the call that created this instance, for argument errors

    def __repr__(self) -> str:
        return f"Instance({self.func.qualname})"

    def var(self, name: str) -> Type:
        if name not in self.vars:
            self.vars[name] = TypeVar()
        return self.vars[name]

    def type_of(self, node: ast.AST) -> Type:
        return self.types[id(node)].prune()


@dataclass(frozen=True)
class UserCall:
    instance: Instance
    args: tuple  # ast nodes (or None for a default), in parameter order
    fnref: ast.AST | None  # the expression whose value is the callee's closure environment


@dataclass(frozen=True)
class UniformCall:
    """A call through a value that may be one of several functions (an indirect call)."""

    fnset: object  # the FnRefT set
    args: tuple


@dataclass(frozen=True)
class Narrowing:
    """`if isinstance(m, T):` on a received message: inside the body `m` is the local `fresh` of type T."""

    name: str
    fresh: str
    type: Type


@dataclass(frozen=True)
class Unbox:
    """An annotated assignment of a received message: checked at run time against `type`."""

    type: Type


@dataclass(frozen=True)
class BuiltinCall:
    name: str  # "len", "list.append", "math.sqrt", "str.split", ...
    detail: object = None


class Checker:
    """Owns every instance of the program."""

    def __init__(self, modules: list[ModuleInfo]):
        self.modules = modules
        self.instances: dict[tuple, Instance] = {}
        self.module_instances: dict[int, Instance] = {}
        self.main_instance: Instance | None = None
        self.calls_main = False
        self.active: list[Instance] = []  # instances being inferred, outermost first
        self.unfinished: list[Instance] = []
        # Any `async def` makes this an actor program: safepoints in loops and calls, globals frozen.
        self.actor_program = any(info.is_async for m in modules for info in _all_functions(m.top))
        self.main_is_async = False

    def run(self) -> None:
        for module in self.modules:
            inst = Instance(module.top, None, [], NONE)
            self.module_instances[id(module)] = inst
            self.check(inst)
        self._check_uncalled_functions()
        main = self.modules[-1]
        if not _has_main_guard(main.tree):
            fn = _module_function(main, "main")
            if fn is not None:
                self.calls_main = True
                self.main_is_async = fn.is_async
                if fn.params and len(fn.defaults) < len(fn.params):
                    raise error(main.source, fn.node, "call", "main() must take no arguments")
                self.main_instance = self.instantiate(fn, None, [], main.top.node)

    def _check_uncalled_functions(self) -> None:
        """Type-check module-level functions that are never called, when every parameter is annotated
        (unannotated ones are generic: they have no type until a call gives them one)."""
        called = {id(inst.func) for inst in self.instances.values()}
        for module in self.modules:
            for info in module.top.inner.values():
                if id(info) in called or not isinstance(info.node, ast.FunctionDef) or info.name == "main":
                    continue
                if all(p in info.annotations for p in info.params):
                    checker = FunctionChecker(self, self.module_instances[id(module)])
                    types = [checker.annotation(info.annotations[p]) for p in info.params]
                    if all(t.is_resolved for t in types):
                        self.instantiate(info, None, types, info.node)

    def instantiate(self, func: FunctionInfo, parent: Instance | None, arg_types: list[Type],
                    site: ast.AST) -> Instance:
        key = (id(func), id(parent), tuple(key_of(t) for t in arg_types))
        inst = self.instances.get(key)
        if inst is not None:
            return inst
        inst = Instance(func, parent, list(arg_types), TypeVar(), site=site)
        self.instances[key] = inst
        for name, t in zip(func.params, arg_types):
            inst.vars[name] = t
        self.check(inst)
        return inst

    def check(self, inst: Instance) -> None:
        """Infer an instance. One that waits on a caller still being inferred (mutual recursion)
        is finished once the outermost inference returns."""
        self.active.append(inst)
        try:
            finished = FunctionChecker(self, inst).run(final=len(self.active) == 1)
        finally:
            self.active.pop()
        if not finished:
            self.unfinished.append(inst)
        if not self.active:
            while self.unfinished:
                again = self.unfinished.pop(0)
                self.active.append(again)
                try:
                    FunctionChecker(self, again).run(final=True)
                finally:
                    self.active.pop()


def _has_main_guard(tree: ast.Module) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, ast.If) and isinstance(stmt.test, ast.Compare):
            t = stmt.test
            names = [t.left, *t.comparators]
            if any(isinstance(n, ast.Name) and n.id == "__name__" for n in names):
                return True
    return False


def _all_functions(info: FunctionInfo):
    yield info
    for inner in info.inner.values():
        yield from _all_functions(inner)


def _module_function(module: ModuleInfo, name: str) -> FunctionInfo | None:
    for info in module.top.inner.values():
        if info.name == name and isinstance(info.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return info
    return None


class FunctionChecker:
    def __init__(self, checker: Checker, inst: Instance):
        self.checker = checker
        self.inst = inst
        self.func = inst.func
        self.source = inst.func.module.source
        self.strict = False
        self.incomplete = False
        self.renames: list[dict[str, str]] = []
        self.loop_depth = 0

    # ---- driver ----------------------------------------------------------------------------------

    def run(self, final: bool = True) -> bool:
        """Infer the body; False when it must be finished later (see Checker.check)."""
        func = self.func
        for name, ann in func.annotations.items():
            if name in self.inst.vars:
                self.check_annotation(ann, self.inst.vars[name], f"argument '{name}'", at=self.inst.site)
        for n in range(MAX_PASSES):
            self.strict = final and n == MAX_PASSES - 1
            self.incomplete = False
            merges = MERGES[0]
            self.block(func.body)
            if not self.incomplete and merges == MERGES[0]:
                break
        if self.incomplete:
            return False
        if not func.is_module:
            if _falls_through(func.body):
                self.unify(self.inst.ret, NONE, func.node, "return type")
            if func.returns is not None:
                self.check_annotation(func.returns, self.inst.ret, "return value")
        self.inst.done = True
        return True

    def fail(self, node, message: str):
        return type_error(self.source, node, message)

    def need(self, t: Type, node: ast.AST, what: str) -> Type:
        """The resolved type, or a retry later (or, in the last pass, an error)."""
        t = t.prune()
        if isinstance(t, TypeVar):
            if self.strict:
                raise self.fail(node, f"cannot infer the type of {what}; add an annotation")
            raise Deferred()
        return t

    def unify(self, a: Type, b: Type, node: ast.AST, what: str) -> Type:
        try:
            return unify(a, b)
        except UnifyError:
            raise self.fail(node, f"{what} has type {resolve(b, None)} here but {resolve(a, None)} elsewhere") from None

    def block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            try:
                self.stmt(stmt)
            except Deferred:
                self.incomplete = True

    # ---- annotations -----------------------------------------------------------------------------

    def annotation(self, node: ast.expr) -> Type:
        if isinstance(node, ast.Constant) and node.value is None:
            return NONE
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return self.annotation(ast.parse(node.value, mode="eval").body)
        if isinstance(node, ast.Name):
            simple = {"int": INT, "float": FLOAT, "bool": BOOL, "str": STR, "Pid": PID}
            if node.id in simple:
                return simple[node.id]
            if node.id in ("list", "List"):
                return ListT(TypeVar())
            if node.id in ("dict", "Dict"):
                return DictT(TypeVar(), TypeVar())
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            base = node.value.id
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if base in ("list", "List") and len(args) == 1:
                return ListT(self.annotation(args[0]))
            if base in ("dict", "Dict") and len(args) == 2:
                return DictT(self.annotation(args[0]), self.annotation(args[1]))
            if base in ("tuple", "Tuple"):
                if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                    raise unsupported(self.source, node, "variable-length tuple types")
                return TupleT(tuple(self.annotation(a) for a in args))
        raise unsupported(self.source, node, f"the annotation '{ast.unparse(node)}'")

    def check_annotation(self, ann: ast.expr, actual: Type, what: str, at: ast.AST | None = None) -> None:
        declared = self.annotation(ann)
        actual_p = actual.prune()
        if declared == FLOAT and actual_p in (INT, BOOL):  # int is acceptable where float is declared
            return
        if declared == INT and actual_p == BOOL:
            return
        try:
            unify(declared, actual)
        except UnifyError:
            raise self.fail(at if at is not None and hasattr(at, "lineno") else ann,
                            f"{what} is annotated {ast.unparse(ann)} but has type {resolve(actual, None)}") from None

    # ---- names -----------------------------------------------------------------------------------

    def local_name(self, name: str) -> str:
        return self.func.local_name(name, self.renames)

    def lookup(self, name: str, node: ast.AST) -> tuple[str, object, Type]:
        """Where a name lives: ("local"|"free"|"global", owner instance, type), or a module/builtin."""
        name = self.local_name(name)
        func = self.func
        if name in func.locals and not func.is_module:
            return "local", self.inst, self.inst.var(name)
        if name in func.frees:
            owner = self.inst.parent
            while owner is not None and name not in owner.func.locals:
                owner = owner.parent
            if owner is None:
                raise error(self.source, node, "name", f"name '{name}' is not defined")
            return "free", owner, owner.var(name)
        module = func.module
        if name in module.imports:
            target = module.imports[name]
            return "module", target, ModuleT(target)
        if name in module.from_imports:
            target, attr = module.from_imports[name]
            return self.module_attribute(target, attr, node)
        if name in module.globals:
            minst = self.checker.module_instances[id(module)]
            fn = _module_function(module, name)
            if fn is not None:
                return "function", None, FnRefT(fn, None)
            return "global", minst, minst.var(name)
        if name == "__name__":
            return "dunder-name", module, STR
        if name in BUILTIN_FUNCTIONS or name in ACTOR_BUILTINS:
            return "builtin", name, BuiltinT(name)
        if name in UNSUPPORTED_BUILTINS:
            raise unsupported(self.source, node, f"{name}()")
        raise error(self.source, node, "name", f"name '{name}' is not defined")

    def module_attribute(self, target, attr: str, node: ast.AST) -> tuple[str, object, Type]:
        if target == "math":
            if attr in MATH_CONSTANTS:
                return "math-const", attr, MATH_CONSTANTS[attr]
            if attr in MATH_FUNCTIONS:
                return "builtin", f"math.{attr}", BuiltinT(f"math.{attr}")
            raise unsupported(self.source, node, f"math.{attr}")
        if target == "pyvm" and attr in PYVM_NAMES:
            return "builtin", attr, BuiltinT(attr)
        if isinstance(target, str):
            raise unsupported(self.source, node, f"module '{target}'")
        if attr not in target.globals:
            raise error(self.source, node, "name", f"module '{target.name}' has no attribute '{attr}'")
        fn = _module_function(target, attr)
        if fn is not None:
            return "function", None, FnRefT(fn, None)
        minst = self.checker.module_instances.get(id(target))
        return "global", minst, minst.var(attr)

    # ---- statements ------------------------------------------------------------------------------

    def stmt(self, node: ast.stmt) -> None:
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise unsupported(self.source, node, _describe_stmt(node))
        method(node)

    def stmt_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return  # a docstring
        self.expr(node.value)

    def stmt_Pass(self, node) -> None:
        pass

    def stmt_Break(self, node) -> None:
        pass

    stmt_Continue = stmt_Break

    def stmt_Global(self, node) -> None:
        pass

    stmt_Nonlocal = stmt_Global

    def stmt_Import(self, node) -> None:
        pass

    stmt_ImportFrom = stmt_Import

    def stmt_Assign(self, node: ast.Assign) -> None:
        value = self.expr(node.value)
        for target in node.targets:
            self.assign(target, value, node.value)

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if not isinstance(node.target, ast.Name):
            raise unsupported(self.source, node, "annotated assignment to anything but a name")
        declared = self.annotation(node.annotation)
        if node.value is None:
            self.unify(self.target_type(node.target), declared, node, f"'{node.target.id}'")
            return
        value = self.expr(node.value, expected=declared)
        if value.prune() == DYN and declared.prune() != DYN:  # a received message, checked at run time
            if not _sendable(declared):
                raise self.fail(node, f"a message cannot be {resolve(declared, None)}")
            self.inst.targets[id(node)] = Unbox(declared)
            value = declared
        self.check_annotation(node.annotation, value, f"'{node.target.id}'")
        self.assign(node.target, value, node.value)

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.check_assignable(node.target)
        current = self.expr(node.target, store=True)
        value = self.expr(node.value)
        result = self.binop_type(node.op, current, value, node)
        self.unify(current, result, node, f"'{ast.unparse(node.target)}'")
        self.inst.types[id(node)] = result

    def stmt_Return(self, node: ast.Return) -> None:
        if self.func.is_module:
            raise error(self.source, node, "syntax", "'return' outside function")
        try:
            t = NONE if node.value is None else self.expr(node.value)
        except Deferred:
            partial = self.inst.types.get(id(node.value))  # a conditional expression's settled branch
            if partial is not None:
                self.unify(self.inst.ret, partial, node, "the return value")
            raise
        if self.func.returns is not None:
            self.check_annotation(self.func.returns, t, "return value", at=node)
        self.unify(self.inst.ret, t, node, "the return value")

    def stmt_If(self, node: ast.If) -> None:
        self.condition(node.test)
        narrowing = self.narrowing(node)
        if narrowing is None:
            self.block(node.body)
        else:
            self.renames.append({narrowing.name: narrowing.fresh})
            try:
                self.block(node.body)
            finally:
                self.renames.pop()
        self.block(node.orelse)

    def narrowing(self, node: ast.If) -> "Narrowing | None":
        """`isinstance(m, int)` (or float, bool, str, Pid) on a local holding a received message narrows
        `m` in the if-body, unless the body assigns `m`."""
        test = node.test
        if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
                and len(test.args) == 2 and isinstance(test.args[0], ast.Name) and isinstance(test.args[1], ast.Name)):
            return None
        subject, cls = test.args[0].id, test.args[1].id
        from pyvm.frontend.infer_match import CLASS_PATTERNS
        target = CLASS_PATTERNS.get(cls, (None, None))[1]  # the scalar classes: int, float, bool, str, Pid
        if target is None or self.inst.types.get(id(test.args[0]), NONE).prune() != DYN:
            return None
        if any(isinstance(n, ast.Name) and n.id == subject and isinstance(n.ctx, ast.Store)
               for stmt in node.body for n in ast.walk(stmt)):
            return None
        name = self.local_name(subject)
        if name not in self.func.locals:
            return None
        fresh = f"{name}.n{node.lineno}_{node.col_offset}"
        self.func.locals.add(fresh)
        self.unify(self.inst.var(fresh), target, node, f"'{subject}'")
        narrowing = Narrowing(name, fresh, target)
        self.inst.targets[id(node)] = narrowing
        return narrowing

    def stmt_Match(self, node: ast.Match) -> None:
        from pyvm.frontend.infer_match import check_match
        check_match(self, node)

    def stmt_While(self, node: ast.While) -> None:
        self.condition(node.test)
        self.loop_depth += 1
        self.block(node.body)
        self.loop_depth -= 1
        self.block(node.orelse)

    def stmt_For(self, node: ast.For) -> None:
        item = self.iteration_item(node.iter)
        self.assign(node.target, item, node.iter)
        self.loop_depth += 1
        self.block(node.body)
        self.loop_depth -= 1
        self.block(node.orelse)

    def stmt_Assert(self, node: ast.Assert) -> None:
        self.condition(node.test)
        if node.msg is not None:
            self.expr(node.msg)

    def stmt_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if not isinstance(target, ast.Subscript) or isinstance(target.slice, ast.Slice):
                raise unsupported(self.source, target, "del of anything but a list or dict item")
            self.check_not_global_container(target.value)
            container = self.need(self.expr(target.value), target.value, "the container")
            if isinstance(container, ListT):
                self.expect(self.expr(target.slice), INT, target.slice, "a list index")
            elif isinstance(container, DictT):
                self.unify(container.key, self.expr(target.slice), target.slice, "the dict key")
            else:
                raise self.fail(target, f"cannot delete items of {container}")

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        info = self.func.inner[id(node)]
        for d in node.args.defaults:
            self.expr(d)
        if not self.func.is_module:
            self.unify(self.inst.var(node.name), FnRefT(info, self.inst), node, f"'{node.name}'")

    stmt_AsyncFunctionDef = stmt_FunctionDef

    # ---- assignment ------------------------------------------------------------------------------

    def check_not_global_container(self, node: ast.expr) -> None:
        """In an actor program, module-level lists and dicts are shared by every actor: only the module
        body may change them (ACTORS.md §1)."""
        if not self.checker.actor_program or self.func.is_module or not isinstance(node, ast.Name):
            return
        if self.lookup(node.id, node)[0] == "global":
            raise unsupported(self.source, node, f"changing the module-level global '{node.id}' from a function "
                                                 "(module globals are immutable across actors)")

    def check_assignable(self, target: ast.Name) -> None:
        name = self.local_name(target.id)
        if name in self.func.globals_declared:
            raise unsupported(self.source, target, f"assigning the module-level global '{name}' from a function")

    def target_type(self, target: ast.Name) -> Type:
        kind, owner, t = self.lookup(target.id, target)
        if kind not in ("local", "free", "global"):
            raise unsupported(self.source, target, f"assigning to '{target.id}'")
        return t

    def assign(self, target: ast.expr, value: Type, value_node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.check_assignable(target)
            if self.func.is_module and _module_function(self.func.module, target.id) is not None:
                raise unsupported(self.source, target, f"rebinding the function '{target.id}'")
            t = self.target_type(target)
            self.unify(t, value, target, f"'{target.id}'")
            self.inst.types[id(target)] = t
        elif isinstance(target, (ast.Tuple, ast.List)):
            value = self.need(value, value_node, "the value to unpack")
            if isinstance(value, TupleT):
                if len(value.items) != len(target.elts):
                    raise self.fail(target, f"cannot unpack {len(value.items)} values into {len(target.elts)}")
                items = value.items
            elif isinstance(value, ListT):
                items = [value.elem] * len(target.elts)
            else:
                raise self.fail(target, f"cannot unpack {value}")
            if any(isinstance(e, ast.Starred) for e in target.elts):
                raise unsupported(self.source, target, "starred assignment targets")
            for elt, t in zip(target.elts, items):
                self.assign(elt, t, value_node)
            self.inst.types[id(target)] = value
        elif isinstance(target, ast.Subscript):
            self.check_not_global_container(target.value)
            container = self.need(self.expr(target.value), target.value, "the container")
            if isinstance(target.slice, ast.Slice):
                raise unsupported(self.source, target, "assignment to a slice")
            if isinstance(container, ListT):
                self.expect(self.expr(target.slice), INT, target.slice, "a list index")
                self.unify(container.elem, value, target, "the list element")
            elif isinstance(container, DictT):
                self.unify(container.key, self.expr(target.slice), target.slice, "the dict key")
                self.unify(container.value, value, target, "the dict value")
            else:
                raise self.fail(target, f"'{container}' does not support item assignment")
            self.inst.types[id(target)] = value
        elif isinstance(target, ast.Attribute):
            raise unsupported(self.source, target, "assignment to attributes")
        else:
            raise unsupported(self.source, target, "this assignment target")

    # ---- expressions -----------------------------------------------------------------------------

    def expr(self, node: ast.expr, expected: Type | None = None, store: bool = False) -> Type:
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise unsupported(self.source, node, _describe_expr(node))
        t = method(node, expected) if expected is not None and type(node).__name__ in _TAKES_EXPECTED \
            else method(node)
        self.inst.types[id(node)] = t
        return t

    def expect(self, actual: Type, want: Type, node: ast.AST, what: str) -> None:
        actual = self.need(actual, node, what)
        if actual != want and not (want == INT and actual == BOOL):
            raise self.fail(node, f"{what} must be {want}, not {actual}")

    def condition(self, node: ast.expr) -> Type:
        """A test (if/while/assert/filter): and/or/not of any types, as lowering branches on each."""
        if isinstance(node, ast.BoolOp):
            for v in node.values:
                self.condition(v)
            self.inst.types[id(node)] = BOOL
            return BOOL
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.condition(node.operand)
            self.inst.types[id(node)] = BOOL
            return BOOL
        t = self.expr(node)
        self.need(t, node, "the condition")
        return t

    def expr_Constant(self, node: ast.Constant) -> Type:
        v = node.value
        if isinstance(v, bool):
            return BOOL
        if isinstance(v, int):
            if not -(1 << 63) <= v < (1 << 63):
                raise self.fail(node, "integer literal does not fit in 64 bits")
            return INT
        if isinstance(v, float):
            return FLOAT
        if isinstance(v, str):
            return STR
        if v is None:
            return NONE
        raise unsupported(self.source, node, f"{type(v).__name__} literals")

    def expr_Name(self, node: ast.Name) -> Type:
        kind, owner, t = self.lookup(node.id, node)
        return t

    def expr_Attribute(self, node: ast.Attribute) -> Type:
        base = self.expr(node.value)
        if isinstance(base.prune(), ModuleT):
            kind, owner, t = self.module_attribute(base.prune().module, node.attr, node)
            return t
        raise unsupported(self.source, node, f"attribute '{node.attr}' outside a method call")

    def expr_BinOp(self, node: ast.BinOp) -> Type:
        return self.binop_type(node.op, self.expr(node.left), self.expr(node.right), node)

    def binop_type(self, op: ast.operator, left: Type, right: Type, node: ast.AST) -> Type:
        a = self.need(left, node, "the left operand")
        b = self.need(right, node, "the right operand")
        name = type(op).__name__
        self.not_dynamic(node, a, b)
        numeric = (INT, FLOAT, BOOL)
        if a in numeric and b in numeric:
            if name == "Div":
                return FLOAT
            if name == "MatMult":
                raise unsupported(self.source, node, "the @ operator")
            if name in ("BitAnd", "BitOr", "BitXor", "LShift", "RShift"):
                if FLOAT in (a, b):
                    raise self.fail(node, f"unsupported operand types for {_OP_TEXT[name]}: '{a}' and '{b}'")
                return BOOL if a == b == BOOL and name in ("BitAnd", "BitOr", "BitXor") else INT
            if name == "Pow" and a != FLOAT and b != FLOAT:
                if isinstance(getattr(node, "right", None), ast.UnaryOp) and isinstance(node.right.op, ast.USub):
                    return FLOAT  # a negative literal exponent gives a float in Python
                return INT
            return FLOAT if FLOAT in (a, b) else INT
        if name == "Add" and a == b and (a == STR or isinstance(a, ListT)):
            return a
        if name == "Add" and isinstance(a, ListT) and isinstance(b, ListT):
            return self.unify(a, b, node, "the list")
        if name == "Add" and isinstance(a, TupleT) and isinstance(b, TupleT):
            return TupleT(a.items + b.items)
        if name == "Mult" and (a in (STR,) or isinstance(a, ListT)) and b in (INT, BOOL):
            return a
        if name == "Mult" and (b in (STR,) or isinstance(b, ListT)) and a in (INT, BOOL):
            return b
        if name == "Mod" and a == STR:
            raise unsupported(self.source, node, "%-formatting of strings (use an f-string)")
        raise self.fail(node, f"unsupported operand types for {_OP_TEXT.get(name, name)}: '{a}' and '{b}'")

    def not_dynamic(self, node: ast.AST, *types: Type) -> None:
        if DYN in types:
            raise self.fail(node, "a received message has no static type here: narrow it first with isinstance(), "
                                  "match, or an annotated assignment (x: int = msg)")

    def expr_UnaryOp(self, node: ast.UnaryOp) -> Type:
        t = self.need(self.expr(node.operand), node, "the operand")
        if not isinstance(node.op, ast.Not):
            self.not_dynamic(node, t)
        if isinstance(node.op, ast.Not):
            return BOOL
        if t not in (INT, FLOAT, BOOL):
            raise self.fail(node, f"bad operand type for unary {_UNARY_TEXT[type(node.op).__name__]}: '{t}'")
        if isinstance(node.op, ast.Invert):
            if t == FLOAT:
                raise self.fail(node, "bad operand type for unary ~: 'float'")
            return INT
        return INT if t == BOOL else t

    def expr_BoolOp(self, node: ast.BoolOp) -> Type:
        types = [self.need(self.expr(v), v, "the operand") for v in node.values]
        first = types[0]
        for v, t in zip(node.values[1:], types[1:]):
            if t != first and not _same_shape(t, first):
                raise unsupported(self.source, node, f"'{'and' if isinstance(node.op, ast.And) else 'or'}' "
                                                     f"of {first} and {t} (the result could be either)")
            self.unify(first, t, v, "the operand")
        return first

    def expr_Compare(self, node: ast.Compare) -> Type:
        left = self.expr(node.left)
        for op, comp in zip(node.ops, node.comparators):
            right = self.expr(comp)
            self.compare_type(op, left, right, comp)
            left = right
        return BOOL

    def compare_type(self, op: ast.cmpop, left: Type, right: Type, node: ast.AST) -> None:
        name = type(op).__name__
        if name in ("Is", "IsNot"):
            a, b = left.prune(), right.prune()
            if NONE in (a, b) and ({a, b} - {NONE}) <= {DYN, PID}:
                return
            if NONE not in (a, b):
                raise unsupported(self.source, node, "'is' except 'is None' / 'is not None'")
            return
        a = self.need(left, node, "the left operand")
        b = self.need(right, node, "the right operand")
        if name in ("In", "NotIn"):
            if isinstance(b, DictT) and _disjoint(a, b.key) or isinstance(b, ListT) and _disjoint(a, b.elem):
                return  # never found: CPython answers False, and so does the lowering
            if b == STR:
                self.expect(a, STR, node, "the left operand of 'in <str>'")
            elif isinstance(b, ListT):
                self.unify(b.elem, a, node, "the item")
            elif isinstance(b, DictT):
                self.unify(b.key, a, node, "the key")
            elif isinstance(b, TupleT):
                if any(t != a for t in b.items):
                    raise unsupported(self.source, node, "'in' on a tuple of mixed types")
            elif b == RANGE:
                self.expect(a, INT, node, "the left operand of 'in range'")
            elif isinstance(b, DictViewT) and b.kind == "keys":
                self.unify(b.dict.prune().key, a, node, "the key")
            else:
                raise self.fail(node, f"argument of type '{b}' is not iterable")
            return
        numeric = (INT, FLOAT, BOOL)
        if a in numeric and b in numeric:
            return
        if name in ("Eq", "NotEq") and DYN in (a, b):
            return  # Python's == between a received message and any value, decided at run time
        if name in ("Eq", "NotEq"):
            if _comparable(a, b) or _disjoint(a, b):
                return
            raise unsupported(self.source, node, f"comparing {a} with {b}")
        self.not_dynamic(node, a, b)
        if _comparable(a, b) and _orderable(a):
            return
        raise self.fail(node, f"'{_CMP_TEXT[name]}' not supported between instances of '{a}' and '{b}'")

    def expr_IfExp(self, node: ast.IfExp) -> Type:
        self.condition(node.test)
        result = TypeVar()
        deferred = False
        for branch in (node.body, node.orelse):  # `0 if n == 0 else 2 * f(n - 1)` types f from its base case
            try:
                self.unify(result, self.expr(branch), branch, "the conditional expression")
            except Deferred:
                deferred = True
        if deferred:
            self.inst.types[id(node)] = result
            raise Deferred()
        return result

    def expr_List(self, node: ast.List, expected: Type | None = None) -> Type:
        elem = expected.prune().elem if isinstance(expected, ListT) or isinstance(expected and expected.prune(), ListT) \
            else TypeVar()
        for e in node.elts:
            if isinstance(e, ast.Starred):
                raise unsupported(self.source, e, "starred expressions in list displays")
            self.unify(elem, self.expr(e), e, "the list element")
        return ListT(elem)

    def expr_Tuple(self, node: ast.Tuple, expected: Type | None = None) -> Type:
        for e in node.elts:
            if isinstance(e, ast.Starred):
                raise unsupported(self.source, e, "starred expressions in tuple displays")
        return TupleT(tuple(self.expr(e) for e in node.elts))

    def expr_Dict(self, node: ast.Dict, expected: Type | None = None) -> Type:
        exp = expected.prune() if expected is not None else None
        key, value = (exp.key, exp.value) if isinstance(exp, DictT) else (TypeVar(), TypeVar())
        for k, v in zip(node.keys, node.values):
            if k is None:
                raise unsupported(self.source, v, "** in dict displays")
            self.unify(key, self.expr(k), k, "the dict key")
            self.unify(value, self.expr(v), v, "the dict value")
        return DictT(key, value)

    def expr_Set(self, node) -> Type:
        raise unsupported(self.source, node, "set literals")

    def expr_JoinedStr(self, node: ast.JoinedStr) -> Type:
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                t = self.need(self.expr(part.value), part.value, "the formatted value")
                if part.format_spec is not None:
                    self.expr(part.format_spec)
                    if t not in (INT, FLOAT, STR, BOOL) and part.conversion == -1:
                        raise unsupported(self.source, part, f"format specs on {t}")
                if part.conversion == ord("a"):
                    raise unsupported(self.source, part, "the !a conversion")
        return STR

    def expr_FormattedValue(self, node: ast.FormattedValue) -> Type:
        self.expr(node.value)
        return STR

    def expr_Subscript(self, node: ast.Subscript) -> Type:
        base = self.need(self.expr(node.value), node.value, "the subscripted value")
        self.not_dynamic(node, base)
        if isinstance(node.slice, ast.Slice):
            for part in (node.slice.lower, node.slice.upper, node.slice.step):
                if part is not None:
                    self.expect(self.expr(part), INT, part, "a slice index")
            if base == STR or isinstance(base, ListT):
                return base
            if isinstance(base, TupleT):
                raise unsupported(self.source, node, "slicing tuples")
            raise self.fail(node, f"'{base}' object is not subscriptable")
        index = self.expr(node.slice)
        if base == STR:
            self.expect(index, INT, node.slice, "a string index")
            return STR
        if isinstance(base, ListT):
            self.expect(index, INT, node.slice, "a list index")
            return base.elem
        if isinstance(base, DictT):
            self.unify(base.key, index, node.slice, "the dict key")
            return base.value
        if isinstance(base, TupleT):
            position = _constant_int(node.slice)
            if position is None:
                if base.items and all(t == base.items[0] for t in base.items):
                    self.expect(index, INT, node.slice, "a tuple index")
                    return base.items[0]
                raise unsupported(self.source, node, "indexing a mixed tuple with a variable")
            if not -len(base.items) <= position < len(base.items):
                raise error(self.source, node, "index", "tuple index out of range")
            return base.items[position]
        raise self.fail(node, f"'{base}' object is not subscriptable")

    def expr_Lambda(self, node: ast.Lambda) -> Type:
        info = self.func.inner[id(node)]
        for d in node.args.defaults:
            self.expr(d)
        return FnRefT(info, None if self.func.is_module else self.inst)

    def expr_ListComp(self, node: ast.ListComp) -> Type:
        self.comprehension(node)
        try:
            return ListT(self.expr(node.elt))
        finally:
            self.renames.pop()

    def expr_DictComp(self, node: ast.DictComp) -> Type:
        self.comprehension(node)
        try:
            return DictT(self.expr(node.key), self.expr(node.value))
        finally:
            self.renames.pop()

    def comprehension(self, node) -> None:
        renames = self.func.comp_renames[id(node)]
        pushed = False
        try:
            for i, gen in enumerate(node.generators):
                if gen.is_async:
                    raise unsupported(self.source, gen, "async comprehensions")
                item = self.iteration_item(gen.iter)  # the first iterable is evaluated outside the scope
                if not pushed:
                    self.renames.append(renames)
                    pushed = True
                self.assign(gen.target, item, gen.iter)
                for cond in gen.ifs:
                    self.condition(cond)
        except BaseException:
            if pushed:
                self.renames.pop()
            raise

    def expr_Call(self, node: ast.Call) -> Type:
        from pyvm.frontend.infer_calls import call_type
        return call_type(self, node)

    def expr_Await(self, node: ast.Await) -> Type:
        from pyvm.frontend.infer_actors import await_type
        return await_type(self, node)

    # ---- iteration -------------------------------------------------------------------------------

    def iteration_item(self, node: ast.expr) -> Type:
        t = self.need(self.expr(node), node, "the iterable")
        return self.item_of(t, node)

    def item_of(self, t: Type, node: ast.AST) -> Type:
        t = t.prune()
        self.not_dynamic(node, t)
        if t == RANGE:
            return INT
        if t == STR:
            return STR
        if isinstance(t, ListT):
            return t.elem
        if isinstance(t, DictT):
            return t.key
        if isinstance(t, TupleT):
            if t.items and all(x.prune() == t.items[0].prune() or _same_shape(x, t.items[0]) for x in t.items):
                for x in t.items[1:]:
                    self.unify(t.items[0], x, node, "the tuple item")
                return t.items[0]
            raise unsupported(self.source, node, "iterating over a tuple of mixed types")
        if isinstance(t, DictViewT):
            d = t.dict.prune()
            return {"keys": d.key, "values": d.value, "items": TupleT((d.key, d.value))}[t.kind]
        if isinstance(t, IterT):
            if t.kind == "enumerate":
                return TupleT((INT, self.item_of(t.sources[0], node)))
            if t.kind == "zip":
                return TupleT(tuple(self.item_of(s, node) for s in t.sources))
            if t.kind == "reversed":
                return self.item_of(t.sources[0], node)
        raise self.fail(node, f"'{t}' object is not iterable")


def _sendable(t: Type) -> bool:
    """Can a value of this type be a message (copied between heaps)?"""
    t = t.prune()
    if t in (INT, FLOAT, BOOL, NONE, STR, PID, DYN):
        return True
    if isinstance(t, ListT):
        return _sendable(t.elem)
    if isinstance(t, DictT):
        return _sendable(t.key) and _sendable(t.value)
    if isinstance(t, TupleT):
        return all(_sendable(x) for x in t.items)
    return False


def _falls_through(body: list[ast.stmt]) -> bool:
    """Can control reach the end of this statement list (so the function may return None)?"""
    if not body:
        return True
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return False
    if isinstance(last, ast.If):
        return _falls_through(last.body) or _falls_through(last.orelse)
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value is True:
        return _breaks_out(last.body)
    if isinstance(last, ast.Match):  # ends only through its cases when the last one always matches
        final = last.cases[-1]
        irrefutable = final.guard is None and isinstance(final.pattern, ast.MatchAs) and final.pattern.pattern is None
        return not irrefutable or any(_falls_through(case.body) for case in last.cases)
    return True


def _breaks_out(body: list[ast.stmt]) -> bool:
    """Does a `break` of this loop (not of a loop nested in it) occur in body?"""
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Break):
            return True
        if isinstance(node, (ast.While, ast.For, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            if isinstance(node, (ast.While, ast.For)):
                pending.extend(node.orelse)  # a loop's else runs in the enclosing loop
            continue
        pending.extend(n for n in ast.iter_child_nodes(node) if isinstance(n, ast.stmt))
    return False


def _constant_int(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant_int(node.operand)
        return None if inner is None else -inner
    return None


def _same_shape(a: Type, b: Type) -> bool:
    try:
        unify(a, b)
        return True
    except UnifyError:
        return False


def _comparable(a: Type, b: Type) -> bool:
    a, b = a.prune(), b.prune()
    numeric = (INT, FLOAT, BOOL)
    if a in numeric and b in numeric:
        return True
    if isinstance(a, TupleT) and isinstance(b, TupleT):
        return len(a.items) == len(b.items) and all(_comparable(x, y) for x, y in zip(a.items, b.items))
    return _same_shape(a, b)


def _disjoint(a: Type, b: Type) -> bool:
    """Values of these types are never equal (so == is False and `in` finds nothing)."""
    a, b = a.prune(), b.prune()
    numeric = (INT, FLOAT, BOOL)
    if isinstance(a, TypeVar) or isinstance(b, TypeVar):
        return False
    if a in numeric and b in numeric:
        return False
    kinds = {type(a), type(b)}
    if a == STR or b == STR or a == NONE or b == NONE:
        return a != b
    return len(kinds) == 2 and not kinds <= {Prim}


def _orderable(t: Type) -> bool:
    t = t.prune()
    if t in (INT, FLOAT, BOOL, STR):
        return True
    if isinstance(t, ListT):
        return _orderable(t.elem)
    if isinstance(t, TupleT):
        return all(_orderable(x) for x in t.items)
    return False


_TAKES_EXPECTED = {"List", "Dict", "Tuple"}
_OP_TEXT = {"Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "FloorDiv": "//", "Mod": "%", "Pow": "**",
            "LShift": "<<", "RShift": ">>", "BitAnd": "&", "BitOr": "|", "BitXor": "^", "MatMult": "@"}
_UNARY_TEXT = {"USub": "-", "UAdd": "+", "Invert": "~", "Not": "not"}
_CMP_TEXT = {"Lt": "<", "LtE": "<=", "Gt": ">", "GtE": ">=", "Eq": "==", "NotEq": "!="}


def _describe_stmt(node: ast.stmt) -> str:
    return {"Try": "try statements", "TryStar": "try statements", "Raise": "raise statements",
            "With": "with statements", "AsyncWith": "async with statements", "AsyncFor": "async for loops",
            "Match": "match statements", "ClassDef": "class definitions", "TypeAlias": "type aliases",
            }.get(type(node).__name__, f"{type(node).__name__} statements")


def _describe_expr(node: ast.expr) -> str:
    return {"Yield": "generators (yield)", "YieldFrom": "generators (yield from)", "Await": "await",
            "GeneratorExp": "generator expressions", "SetComp": "set comprehensions", "Set": "set literals",
            "NamedExpr": "the walrus operator (:=)", "Starred": "starred expressions", "Slice": "slices here",
            }.get(type(node).__name__, f"{type(node).__name__} expressions")
