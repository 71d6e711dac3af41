"""The program as the frontend sees it: modules, their functions, and Python's scoping rules.

Scope analysis follows CPython: a name bound anywhere in a function (assignment, augmented
assignment, for target, def, import) is local unless declared `global`/`nonlocal`; other names
resolve to an enclosing function's local (captured in a cell), then to a module global, then to a
builtin. Comprehension variables get their own scope, as in Python 3: they are renamed to fresh
locals (`x.c1`) so they never leak or clash.
"""

from __future__ import annotations

import ast
import itertools
import os
from dataclasses import dataclass, field

from pyvm.frontend.errors import SourceMap, error, unsupported
from pyvm.frontend.types import FLOAT
from pyvm.validate import Project

BUILTIN_MODULES = {"math", "pyvm"}
MATH_FUNCTIONS = {"sqrt": 1, "floor": 1, "ceil": 1, "sin": 1, "cos": 1, "tan": 1, "log": (1, 2), "exp": 1,
                  "isclose": 2, "fabs": 1, "log2": 1, "log10": 1, "pow": 2, "trunc": 1}
# What `pyvm` provides (compiler/pyvm/ACTORS.md §1), importable and, except `exit`/`run`/`Pid`, also builtins.
PYVM_NAMES = {"spawn", "send", "receive", "gather", "self_pid", "sleep", "monitor", "demonitor", "link", "unlink",
              "trap_exit", "kill", "exit", "register", "whereis", "run", "Pid", "Supervisor", "ChildSpec",
              "start_supervisor", "which_child", "terminate_child", "restart_child", "delete_child",
              "count_children"}
MATH_CONSTANTS = {"pi": FLOAT, "e": FLOAT, "inf": FLOAT, "nan": FLOAT, "tau": FLOAT}  # math.* the subset has


@dataclass(eq=False)
class FunctionInfo:
    node: ast.AST  # FunctionDef, Lambda, or Module (the module's top-level code)
    module: "ModuleInfo"
    parent: "FunctionInfo | None"
    name: str
    qualname: str
    params: list[str] = field(default_factory=list)
    defaults: dict[str, ast.expr] = field(default_factory=dict)
    annotations: dict[str, ast.expr] = field(default_factory=dict)
    returns: ast.expr | None = None
    locals: set[str] = field(default_factory=set)
    globals_declared: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    cells: set[str] = field(default_factory=set)  # locals that inner functions capture
    frees: list[str] = field(default_factory=list)  # names captured from enclosing functions, in env order
    inner: dict[int, "FunctionInfo"] = field(default_factory=dict)  # id(def/lambda node) -> info
    comp_renames: dict[int, dict[str, str]] = field(default_factory=dict)  # id(comprehension) -> renames
    outer_renames: dict[str, str] = field(default_factory=dict)  # comprehension variables visible here
    is_async: bool = False

    @property
    def is_module(self) -> bool:
        return isinstance(self.node, ast.Module)

    @property
    def body(self) -> list[ast.stmt]:
        if isinstance(self.node, ast.Lambda):
            return [ast.Return(self.node.body, lineno=self.node.lineno, col_offset=self.node.col_offset)]
        return self.node.body

    def local_name(self, name: str, renames: list[dict[str, str]]) -> str:
        """The variable a name means here: a comprehension's renamed variable (innermost first, then
        those visible from an enclosing comprehension), else the name itself."""
        for scope in reversed(renames):
            if name in scope:
                return scope[name]
        if name not in self.locals:
            return self.outer_renames.get(name, name)
        return name

    def defining_function(self, name: str) -> "FunctionInfo | None":
        """The enclosing function whose local `name` is (for free variables)."""
        f = self.parent
        while f is not None and not f.is_module:
            if name in f.locals:
                return f
            f = f.parent
        return None


@dataclass(eq=False)
class ModuleInfo:
    name: str  # "__main__" for main.py, else the dotted module name
    path: str
    source: SourceMap
    tree: ast.Module
    top: FunctionInfo = None  # the module body
    imports: dict[str, "ModuleInfo | str"] = field(default_factory=dict)  # bound name -> module
    from_imports: dict[str, tuple["ModuleInfo | str", str]] = field(default_factory=dict)  # name -> (module, attr)

    @property
    def globals(self) -> set[str]:
        return self.top.locals


class ScopeBuilder(ast.NodeVisitor):
    """Collects one function's bound names, declarations, inner functions and comprehensions."""

    _comp_ids = itertools.count(1)

    def __init__(self, info: FunctionInfo):
        self.info = info
        self.source = info.module.source
        self.active_renames: list[dict[str, str]] = []

    def run(self) -> None:
        node = self.info.node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            if args.vararg or args.kwarg:
                raise unsupported(self.source, node, "*args and **kwargs")
            if args.kwonlyargs or args.posonlyargs:
                raise unsupported(self.source, node, "keyword-only and positional-only parameters")
            for a in args.args:
                self.info.params.append(a.arg)
                self.info.locals.add(a.arg)
                if a.annotation is not None:
                    self.info.annotations[a.arg] = a.annotation
            for a, d in zip(args.args[len(args.args) - len(args.defaults):], args.defaults):
                self.info.defaults[a.arg] = d
            if isinstance(node, ast.Lambda):
                self.visit(node.body)
                return
            self.info.returns = node.returns
        for stmt in self.info.body:
            self.visit(stmt)
        self.info.locals -= self.info.globals_declared | self.info.nonlocals

    def _bind(self, name: str) -> None:
        self.info.locals.add(name)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._bind(node.id)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest is not None:
            self._bind(node.rest)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        if self.info.is_module:
            return
        self.info.globals_declared.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.info.nonlocals.update(node.names)

    def _function(self, node) -> None:
        if isinstance(node, ast.AsyncFunctionDef) and not self.info.is_module:
            raise unsupported(self.source, node, "async functions nested in functions (define actors at module level)")
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self._bind(node.name)
            for d in node.decorator_list:
                raise unsupported(self.source, d, "decorators")
            for d in node.args.defaults:
                self.visit(d)
            if node.type_params:
                raise unsupported(self.source, node, "type parameter lists (PEP 695)")
            name = node.name
        else:
            for d in node.args.defaults:
                self.visit(d)
            name = "<lambda>"
        qual = name if self.info.is_module else f"{self.info.qualname}.<locals>.{name}"
        inner = FunctionInfo(node, self.info.module, self.info, name, qual,
                             is_async=isinstance(node, ast.AsyncFunctionDef))
        inner.outer_renames = dict(self.info.outer_renames)
        for renames in self.active_renames:  # a lambda inside a comprehension sees its variables
            inner.outer_renames.update(renames)
        self.info.inner[id(node)] = inner
        ScopeBuilder(inner).run()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        raise unsupported(self.source, node, "class definitions")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._bind(alias.asname or alias.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if alias.name == "*":
                raise unsupported(self.source, node, "'from module import *'")
            self._bind(alias.asname or alias.name)

    def _comprehension(self, node) -> None:
        renames: dict[str, str] = {}
        for gen in node.generators:
            for target in ast.walk(gen.target):
                if isinstance(target, ast.Name):
                    renames[target.id] = f"{target.id}.c{next(self._comp_ids)}"
        self.info.comp_renames[id(node)] = renames
        self.info.locals.update(renames.values())
        self.visit(node.generators[0].iter)  # evaluated outside the comprehension's scope
        self.active_renames.append(renames)
        for i, gen in enumerate(node.generators):
            if i:
                self.visit(gen.iter)
            for cond in gen.ifs:
                self.visit(cond)
        for child in ([node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]):
            self.visit(child)
        self.active_renames.pop()

    visit_ListComp = visit_DictComp = _comprehension

    def visit_SetComp(self, node) -> None:
        raise unsupported(self.source, node, "set comprehensions")

    def visit_GeneratorExp(self, node) -> None:
        raise unsupported(self.source, node, "generator expressions")

    def visit_NamedExpr(self, node) -> None:
        raise unsupported(self.source, node, "the walrus operator (:=)")


def _resolve_frees(info: FunctionInfo) -> None:
    """Mark captured locals as cells in their defining function and list each function's free names."""
    used: set[str] = set()
    for node in _own_nodes(info):
        if isinstance(node, ast.Name):
            used.add(node.id)
    for inner in info.inner.values():
        _resolve_frees(inner)
        used.update(inner.frees)
    if info.is_module:
        return
    frees = []
    for name in sorted(used | info.nonlocals):
        if name in info.locals:
            continue
        name = info.outer_renames.get(name, name)
        owner = info.defining_function(name)
        if owner is None:
            if name in info.nonlocals:
                raise error(info.module.source, info.node, "name", f"no binding for nonlocal '{name}' found")
            continue
        owner.cells.add(name)
        frees.append(name)
    info.frees = frees


def _own_nodes(info: FunctionInfo):
    """The AST nodes of this function's body, not descending into inner functions."""
    pending = list(info.body) if not isinstance(info.node, ast.Lambda) else [info.node.body]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                for d in child.args.defaults:  # defaults are evaluated in the enclosing scope
                    pending.append(d)
                continue
            pending.append(child)


def load_program(project: Project) -> list[ModuleInfo]:
    """All project modules reachable from main.py, dependencies first, main last."""
    by_path: dict[str, ModuleInfo] = {}
    main_key = str(project.main.path.real)
    for key, source in project.modules.items():
        rel = os.path.relpath(key, os.path.dirname(main_key))
        name = "__main__" if key == main_key else rel[:-3].replace(os.sep, ".").removesuffix(".__init__")
        tree = project.trees[key]
        module = ModuleInfo(name, key, SourceMap(source.path.shown, source.text), tree)
        module.top = FunctionInfo(tree, module, None, "<module>", "<module>")
        by_path[key] = module
    root = os.path.dirname(main_key)
    for module in by_path.values():
        ScopeBuilder(module.top).run()
        _link_imports(module, by_path, root)
        _resolve_frees(module.top)
    order: list[ModuleInfo] = []
    seen: set[str] = set()

    def visit(m: ModuleInfo) -> None:  # imports form a DAG in practice; cycles are rejected
        if m.path in seen:
            return
        seen.add(m.path)
        for dep in list(m.imports.values()) + [mod for mod, _ in m.from_imports.values()]:
            if isinstance(dep, ModuleInfo):
                visit(dep)
        order.append(m)

    visit(by_path[main_key])
    return order


def _module_for(name: str, by_path: dict[str, ModuleInfo], root: str) -> ModuleInfo | None:
    base = os.path.join(root, *name.split("."))
    for candidate in (base + ".py", os.path.join(base, "__init__.py")):
        if candidate in by_path:
            return by_path[candidate]
    return None


def _link_imports(module: ModuleInfo, by_path: dict[str, ModuleInfo], root: str) -> None:
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _module_for(alias.name, by_path, root)
                if target is None and alias.name not in BUILTIN_MODULES:
                    raise unsupported(module.source, node, f"import of module '{alias.name}'")
                if "." in alias.name and not alias.asname:
                    raise unsupported(module.source, node, "importing a dotted module name")
                module.imports[alias.asname or alias.name] = target or alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise unsupported(module.source, node, "relative imports")
            target = _module_for(node.module or "", by_path, root)
            if target is None and node.module not in BUILTIN_MODULES:
                raise unsupported(module.source, node, f"import of module '{node.module}'")
            for alias in node.names:
                if node.module == "math" and alias.name not in MATH_FUNCTIONS and alias.name not in MATH_CONSTANTS:
                    raise unsupported(module.source, node, f"math.{alias.name}")
                if node.module == "pyvm" and alias.name not in PYVM_NAMES:
                    raise unsupported(module.source, node, f"pyvm.{alias.name}")
                sub = _module_for(f"{node.module}.{alias.name}", by_path, root)
                if sub is not None:
                    module.imports[alias.asname or alias.name] = sub
                else:
                    module.from_imports[alias.asname or alias.name] = (target or node.module, alias.name)
