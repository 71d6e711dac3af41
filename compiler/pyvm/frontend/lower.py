"""Lowering: typed instances → one KIR module.

Every function instance becomes a KIR function; each module's top-level code becomes an init
function; `pyvm_program_main` (exported; the C runtime's `main` calls it) creates the constants,
runs the module inits in dependency order, calls `main()` when main.py has no `__main__` guard, and
returns the exit status. Language operations become primitive KIR plus calls into the C runtime
(runtime/include/pyvm/rt.h), so no backend knows what a list or a string is.

Conventions in the generated code:
  * locals live in ALLOCA slots (mem2reg and LLVM promote them); captured locals live in cells
  * every function takes the thread state (runtime `pyvm_tstate`) as its first parameter and keeps
    a 32-byte shadow frame (runtime `pyvm_frame`: prev, function, file, line), linked inline through
    it, storing the line of each statement at offset 24, so runtime errors print CPython's traceback
  * int arithmetic is checked: overflow raises OverflowError instead of wrapping
  * closures: a function with free variables takes its environment (an array of cell pointers) after
    the thread state; the value of a function is that environment (null when it has none), or a
    closure object when it may be one of several functions
"""

from __future__ import annotations

import re

from pyvm.frontend.infer import Checker, Instance
from pyvm.frontend.lower_function import FunctionLowering
from pyvm.frontend.types import BOOL, INT, Type, descriptor, key_of, kir_type, resolve
from pyvm.kir import Builder, Data, Extern, Function, Module, Sym, i64
from pyvm.kir.types import I64, PTR, VOID

ENTRY = "pyvm_program_main"


class ProgramLowering:
    def __init__(self, checker: Checker, program_name: str = "program"):
        self.checker = checker
        self.module = Module(program_name)
        self._strings: dict[str, Sym] = {}
        self._cstrings: dict[bytes, Sym] = {}
        self._descriptors: dict[str, Sym] = {}
        self._names: set[str] = set()
        self.instances: dict[tuple, Instance] = {}  # resolved key -> the instance that is emitted
        self.function_names: dict[int, str] = {}  # id(instance) -> KIR name
        self.globals: dict[tuple[int, str], Sym] = {}  # (id(module instance), name) -> data slot
        self.pending: list[Instance] = []
        self.init = Function("pyvm.constants", [], VOID)  # filled as constants are created
        self.init_builder = Builder(self.init)
        self.init_builder.position_at_end(self.init_builder.new_block("entry"))

    # ---- naming and symbols ----------------------------------------------------------------------

    def unique(self, hint: str) -> str:
        base = re.sub(r"[^A-Za-z0-9_.]", "_", hint.replace(".<locals>.", ".").replace("<lambda>", "lambda"))
        name, n = base, 1
        while name in self._names:
            name = f"{base}.{n}"
            n += 1
        self._names.add(name)
        return name

    def extern(self, name: str, params: list, ret, attrs: tuple[str, ...] = ()) -> Sym:
        existing = self.module.extern(name)
        if existing is None:
            self.module.externs.append(Extern(name, list(params), ret, attrs))
            self._names.add(name)
        elif existing.params != list(params) or existing.ret != ret:
            raise AssertionError(f"runtime function {name} used with two signatures: {existing.params}->"
                                 f"{existing.ret} and {params}->{ret}")
        return Sym(name)

    def cstring(self, text: str) -> Sym:
        raw = text.encode("utf-8") + b"\0"
        sym = self._cstrings.get(raw)
        if sym is None:
            sym = Sym(self.unique("cstr"))
            self.module.data.append(Data(sym.name, "const", content=raw, align=1))
            self._cstrings[raw] = sym
        return sym

    def _global_slot(self, hint: str) -> Sym:
        sym = Sym(self.unique(hint))
        self.module.data.append(Data(sym.name, "zero", size=8, align=8))
        return sym

    def string(self, text: str) -> Sym:
        """A global slot holding the str object for a literal, created once at program start."""
        sym = self._strings.get(text)
        if sym is None:
            sym = self._global_slot("str")
            raw = text.encode("utf-8", "surrogatepass")
            b = self.init_builder
            make = self.extern("pyvm_str_from_utf8", [PTR, I64], PTR)
            obj = b.call(make, [self.cstring(text), i64(len(raw))], PTR, "s")
            b.store(obj, sym)
            self._strings[text] = sym
        return sym

    def descriptor(self, t: Type) -> Sym:
        """A global slot holding the runtime's interned type descriptor for t."""
        return self.descriptor_spec(descriptor(t))

    def descriptor_spec(self, spec: str) -> Sym:
        sym = self._descriptors.get(spec)
        if sym is None:
            sym = self._global_slot("type")
            b = self.init_builder
            intern = self.extern("pyvm_type_intern", [PTR], PTR)
            b.store(b.call(intern, [self.cstring(spec)], PTR, "t"), sym)
            self._descriptors[spec] = sym
        return sym

    def global_slot(self, module_instance: Instance, name: str) -> Sym:
        key = (id(module_instance), name)
        if key not in self.globals:
            self.globals[key] = self._global_slot(f"g.{module_instance.func.module.name}.{name}")
        return self.globals[key]

    # ---- instances -------------------------------------------------------------------------------

    def canonical(self, inst: Instance) -> Instance:
        """Instances whose argument types resolved to the same types are one function."""
        key = (id(inst.func), id(inst.parent) if inst.parent is None else id(self.canonical(inst.parent)),
               tuple(key_of(resolve(t)) for t in inst.param_types))
        first = self.instances.setdefault(key, inst)
        return first

    def function_name(self, inst: Instance) -> str:
        inst = self.canonical(inst)
        name = self.function_names.get(id(inst))
        if name is None:
            module = inst.func.module.name.replace("__main__", "main")
            name = self.unique(f"{module}.{inst.func.qualname}")
            self.function_names[id(inst)] = name
            self.pending.append(inst)
        return name

    def boxed_thunk(self, inst: Instance, fnset) -> str:
        """`name.boxed(env, args...)`: the uniform entry of an instance called through a closure object."""
        from pyvm.kir import Reg
        inst = self.canonical(inst)
        key = ("thunk", id(inst))
        name = self.function_names.get(key)
        if name is not None:
            return name
        target = self.function_name(inst)
        name = self.unique(target + ".boxed")
        self.function_names[key] = name
        ctx, env = Reg("ctx", PTR), Reg("env", PTR)
        params = [Reg(f"a{i}", kir_type(resolve(t))) for i, t in enumerate(fnset.params)]
        ret = kir_type(resolve(fnset.ret))
        fn = Function(name, [ctx, env, *params], ret)
        b = Builder(fn)
        b.position_at_end(b.new_block("entry"))
        args = [ctx] + ([env] if inst.func.frees else []) + params
        result = b.call(Sym(target), args, kir_type(resolve(inst.ret)))
        b.ret(result if ret != VOID else None)
        self.module.functions.append(fn)
        return name

    def lower(self) -> Module:
        checker = self.checker
        inits = []
        for module in checker.modules:
            minst = checker.module_instances[id(module)]
            name = self.unique(f"{module.name.replace('__main__', 'main')}.init")
            self.function_names[id(minst)] = name
            inits.append(name)
            self.module.functions.append(FunctionLowering(self, minst, name).lower())
        while self.pending:
            self.module.functions.append(self._lower_instance(self.pending.pop()))
        self._program_main(inits)
        self.init_builder.ret()
        self.module.functions.insert(0, self.init)
        return self.module

    def _lower_instance(self, inst: Instance) -> Function:
        name = self.function_names[id(inst)]
        first = FunctionLowering(self, inst, name)
        fn = first.lower()
        if first.needs_frame:
            return fn
        return FunctionLowering(self, inst, name, frameless=True).lower()

    def _program_main(self, inits: list[str]) -> None:
        fn = Function(ENTRY, [], I64, attrs=("export",))
        b = Builder(fn)
        b.position_at_end(b.new_block("entry"))
        b.call(Sym(self.init.name), [], VOID)
        ctx = b.call(self.extern("pyvm_tstate_get", [], PTR), [], PTR, "ctx")
        for name in inits:
            b.call(Sym(name), [ctx], VOID)
        status = i64(0)
        main = self.checker.main_instance
        if main is not None and main.func.is_async:  # the first actor; 0, or 1 if it crashed
            status = self._run_async_main(b, main)
        elif main is not None:  # as `sys.exit(main())` would: an int result is the exit status
            ret = resolve(main.ret).prune()
            result = b.call(Sym(self.function_name(main)), [ctx], kir_type(ret))
            if ret == INT:
                status = result
            elif ret == BOOL:
                status = b.cast("ZEXT", result, I64)
        while self.pending:  # main's instance (and its thunks' targets) were not reached from module code
            self.module.functions.append(self._lower_instance(self.pending.pop()))
        b.ret(status)
        self.module.functions.append(fn)

    def _run_async_main(self, b: Builder, main: Instance):
        """pyvm_coro_run_main of the coroutine main() (ACTORS.md §3: a tuple (entry, runner))."""
        from pyvm.frontend.lower_actors import coroutine_thunks, coroutine_type
        entry, runner = coroutine_thunks(self, main)
        ctype = b.load(PTR, self.descriptor(coroutine_type(self, main)), hint="type")
        coro = b.call(self.extern("pyvm_tuple_new", [PTR, I64], PTR), [ctype, i64(2)], PTR, "coro")
        for i, fn in enumerate((entry, runner)):
            b.store(b.cast("PTR2INT", Sym(fn), I64), b.gep(coro, i64(i), 8, 24, "slotp"))
        slot = b.cast("PTR2INT", coro, I64)
        return b.call(self.extern("pyvm_coro_run_main", [PTR, I64], I64), [ctype, slot], I64, "status")


def lower_program(checker: Checker) -> Module:
    return ProgramLowering(checker).lower()
