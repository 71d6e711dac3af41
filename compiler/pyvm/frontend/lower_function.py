"""Lowering of one function instance (or a module's top-level code): storage, frames, statements."""

from __future__ import annotations

import ast

from pyvm.frontend.errors import unsupported
from pyvm.frontend.infer import Instance, UserCall
from pyvm.frontend.lower_actors import ActorLowering
from pyvm.frontend.lower_calls import CallLowering
from pyvm.frontend.lower_expr import ExprLowering
from pyvm.frontend.lower_iter import IterLowering
from pyvm.frontend.lower_match import MatchLowering
from pyvm.frontend.types import INT, NONE, FnRefT, ListT, Type, descriptor, kir_type, resolve
from pyvm.kir import NULL, Builder, Function, Label, Reg, Sym, i1, i64
from pyvm.kir.types import I1, I32, I64, PTR, VOID

FRAME_SIZE, FRAME_FUNCTION, FRAME_FILE, FRAME_LINE = 32, 8, 16, 24  # runtime/core/error.h: pyvm_frame
TSTATE_TOP, TSTATE_DEPTH = 0, 8  # runtime/core/error.h: pyvm_tstate
RECURSION_LIMIT = 1000  # PYVM_RECURSION_LIMIT, CPython's default limit

# Runtime functions that never raise: calls to them need not record the line first.
CANNOT_RAISE = frozenset({
    "pyvm_type_intern", "pyvm_str_from_utf8", "pyvm_tstate_get", "pyvm_print_str", "pyvm_list_len",
    "pyvm_str_len", "pyvm_dict_len", "pyvm_tuple_len", "pyvm_tuple_get", "pyvm_tuple_set", "pyvm_str_eq",
    "pyvm_str_compare", "pyvm_str_char_at", "pyvm_dict_next_item", "pyvm_int_to_str", "pyvm_float_repr",
    "pyvm_bool_to_str", "pyvm_frame_leave", "pyvm_range_len", "pyvm_range_contains", "pyvm_str_contains",
    "pyvm_safepoint",  # may end the actor (an exit signal), which prints no traceback
})
CELL_VALUE = 16  # runtime/core/obj.h: struct pyvm_cell

EXC = {"ZeroDivisionError": 1, "IndexError": 2, "KeyError": 3, "OverflowError": 4, "ValueError": 5,
       "AssertionError": 6, "RecursionError": 7, "TypeError": 8}


class Loop:
    def __init__(self, continue_block, break_block):
        self.continue_block, self.break_block = continue_block, break_block


class FunctionLowering(ExprLowering, CallLowering, IterLowering, ActorLowering, MatchLowering):
    def __init__(self, program, inst: Instance, name: str, frameless: bool = False):
        self.p = program
        # A leaf that calls nothing which could raise or observe the shadow stack keeps its frame
        # unlinked, and links it only on its raising paths: the traceback is the same, the calls
        # are cheaper (ProgramLowering lowers once to find out, then again frameless).
        self.frameless = frameless
        self.needs_frame = False
        self.inst = inst
        self.func = inst.func
        self.source = inst.func.module.source
        self.is_module = inst.func.is_module
        ret = NONE if self.is_module else resolve(inst.ret)
        self.ret_type = ret
        # Every compiled function receives the running thread's state (runtime pyvm_tstate) first:
        # frames are linked inline through it, and the actor runtime gives each green thread its own.
        self.ctx = Reg("ctx", PTR)
        params = [self.ctx]
        self.env: Reg | None = None
        if self.func.frees:
            self.env = Reg("env", PTR)
            params.append(self.env)
        self.param_regs: dict[str, Reg] = {}
        for pname, ptype in zip(self.func.params, inst.param_types):
            kt = kir_type(resolve(ptype))
            if kt == VOID:
                raise unsupported(self.source, self.func.node, f"the parameter '{pname}' holding None")
            reg = Reg(pname.replace(".", "_"), kt)
            self.param_regs[pname] = reg
            params.append(reg)
        self.fn = Function(name, params, kir_type(ret))
        self.b = Builder(self.fn)
        self.slots: dict[str, Reg] = {}  # local name -> ALLOCA slot (holding the value, or its cell)
        self.loops: list[Loop] = []
        self.renames: list[dict[str, str]] = []
        self.line: int | None = None  # the statement being lowered

    # ---- helpers shared by the mixins ------------------------------------------------------------

    def type(self, node: ast.AST) -> Type:
        return resolve(self.inst.types[id(node)])

    def rt(self, name: str, args: list, ret=VOID, attrs: tuple[str, ...] = ()):
        """Call a C runtime function, declaring it on first use."""
        sym = self.p.extern(name, [a.type for a in args], ret, attrs)
        if "noreturn" in attrs and self.frameless:
            self.link_frame()  # a frameless leaf links its frame only when it raises
        elif name not in CANNOT_RAISE:
            self.mark_line()
            if "noreturn" not in attrs:
                self.needs_frame = True
        return self.b.call(sym, list(args), ret)

    def mark_line(self) -> None:
        """Store the current statement's line in the frame, for a traceback through this point.
        Done only before calls and on raising paths, so straight-line arithmetic and loops without
        calls keep no stores that would pin memory in place for LLVM."""
        if self.line is not None and getattr(self, "line_ptr", None) is not None and not self.b.terminated:
            self.b.store(i64(self.line), self.line_ptr)

    def new_block(self, hint: str):
        return self.b.new_block(hint)

    def goto(self, block) -> None:
        if not self.b.terminated:
            self.b.jump(block)
        self.b.position_at_end(block)

    def raise_error(self, kind: str, message: str | None) -> None:
        msg = self.p.cstring(message) if message is not None else NULL
        self.rt("pyvm_raise", [kir_i32(EXC[kind]), msg], VOID, ("noreturn",))
        self.b.unreachable()

    def fail_if(self, cond, kind: str, message: str | None) -> None:
        """Raise when cond (i1) holds; continue in a fresh block otherwise."""
        bad, ok = self.new_block("raise"), self.new_block("ok")
        self.b.jump_if(cond, bad, ok)
        self.b.position_at_end(bad)
        self.raise_error(kind, message)
        self.b.position_at_end(ok)

    def string(self, text: str):
        return self.b.load(PTR, self.p.string(text), hint="str")

    def descriptor(self, t: Type):
        return self.b.load(PTR, self.p.descriptor(t), hint="type")

    def local_name(self, name: str) -> str:
        return self.func.local_name(name, self.renames)

    # ---- the function ----------------------------------------------------------------------------

    def lower(self) -> Function:
        b = self.b
        entry = b.new_block("entry")
        b.position_at_end(entry)
        self.frame = b.alloca(FRAME_SIZE, 8, "frame")
        self.line_ptr = b.gep(self.frame, i64(0), 1, FRAME_LINE, "line")
        for name in sorted(self.func.locals):
            if self.is_module:
                break
            t = resolve(self.inst.vars.get(name, NONE))
            if kir_type(t) == VOID and name not in self.func.cells:
                continue
            self.slots[name] = b.alloca(8, 8, "v." + name.replace(".", "_"))
        self.function_name = "<module>" if self.is_module else self.func.name
        if not self.frameless:
            self.frame_enter(self.function_name)
        if not self.is_module:
            self.rt_safepoint()
        for name in sorted(self.func.cells):
            t = resolve(self.inst.vars.get(name, NONE))
            cell_type = self.b.load(PTR, self.p.descriptor_spec(f"C({descriptor(t)})"), hint="type")
            cell = self.rt("pyvm_cell_new", [cell_type], PTR)
            b.store(cell, self.slots[name])
        for pname, reg in self.param_regs.items():
            self.store_var(pname, reg)
        self.ret_slot = b.alloca(8, 8, "ret") if self.fn.ret != VOID else None
        self.exit_block = self.new_block("exit")
        body = self.new_block("body")
        b.jump(body)
        b.position_at_end(body)
        self.block(self.func.body)
        if not b.terminated:
            if self.fn.ret != VOID:  # only reachable when inference proved None is returned
                b.unreachable()
            else:
                b.jump(self.exit_block)
        b.position_at_end(self.exit_block)
        if not self.frameless:
            self.frame_leave()
        if self.ret_slot is None:
            b.ret()
        else:
            b.ret(b.load(self.fn.ret, self.ret_slot, hint="result"))
        self._drop_unreachable_blocks()
        return self.fn

    def frame_enter(self, function_name: str) -> None:
        """pyvm_frame_enter, inline: link this frame on the thread's shadow stack and count the depth
        (RecursionError past CPython's limit, where CPython would raise it)."""
        b, ctx = self.b, self.ctx
        depth_ptr = b.gep(ctx, i64(0), 1, TSTATE_DEPTH, "depthp")
        self.depth = b.load(I64, depth_ptr, hint="depth")
        too_deep = b.icmp("sge", self.depth, i64(RECURSION_LIMIT))
        deep, ok = self.new_block("too_deep"), self.new_block("enter")
        b.jump_if(too_deep, deep, ok)
        b.position_at_end(deep)
        self.rt("pyvm_raise_recursion", [], VOID, ("noreturn",))
        b.unreachable()
        b.position_at_end(ok)
        b.store(b.binary("ADD", self.depth, i64(1)), depth_ptr)
        top_ptr = b.gep(ctx, i64(0), 1, TSTATE_TOP, "topp")
        self.prev_frame = b.load(PTR, top_ptr, hint="prev")
        b.store(self.prev_frame, self.frame)
        b.store(self.p.cstring(function_name), b.gep(self.frame, i64(0), 1, FRAME_FUNCTION, "fnp"))
        b.store(self.p.cstring(self.source.shown), b.gep(self.frame, i64(0), 1, FRAME_FILE, "filep"))
        b.store(self.frame, top_ptr)  # the line is stored before each call or raise, never read before

    def link_frame(self) -> None:
        """Link a frameless leaf's frame just before it raises (no depth count: it calls nothing)."""
        b, ctx = self.b, self.ctx
        top_ptr = b.gep(ctx, i64(0), 1, TSTATE_TOP, "topp")
        b.store(b.load(PTR, top_ptr, hint="prev"), self.frame)
        b.store(self.p.cstring(self.function_name), b.gep(self.frame, i64(0), 1, FRAME_FUNCTION, "fnp"))
        b.store(self.p.cstring(self.source.shown), b.gep(self.frame, i64(0), 1, FRAME_FILE, "filep"))
        self.mark_line()
        b.store(self.frame, top_ptr)

    def frame_leave(self) -> None:
        b, ctx = self.b, self.ctx
        b.store(self.prev_frame, b.gep(ctx, i64(0), 1, TSTATE_TOP, "topp"))
        b.store(self.depth, b.gep(ctx, i64(0), 1, TSTATE_DEPTH, "depthp"))

    def _drop_unreachable_blocks(self) -> None:
        from pyvm.kir.cfg import reverse_postorder
        live = set(reverse_postorder(self.fn))
        self.fn.blocks = [blk for blk in self.fn.blocks if blk.label in live]

    # ---- variables -------------------------------------------------------------------------------

    def var_location(self, name: str):
        """("slot", ptr) for a plain local, ("cell", ptr-to-cell-pointer) for a cell, ("global", sym)."""
        name = self.local_name(name)
        func = self.func
        if self.is_module and name in func.locals:
            return "global", self.p.global_slot(self.inst, name), self.inst.var(name)
        if name in self.slots:
            kind = "cell" if name in func.cells else "slot"
            return kind, self.slots[name], self.inst.var(name)
        if name in func.frees:
            index = func.frees.index(name)
            owner = self.inst.parent
            while owner is not None and name not in owner.func.locals:
                owner = owner.parent
            cell_ptr = self.b.gep(self.env, i64(index), 8, 0, "envslot")
            return "cell", cell_ptr, owner.var(name)
        return None

    def load_var(self, name: str, node: ast.AST):
        loc = self.var_location(name)
        if loc is None:
            return self.load_nonlocal_name(name, node)
        kind, ptr, t = loc
        kt = kir_type(resolve(t))
        if kt == VOID:
            return None
        if kind == "cell":
            cell = self.b.load(PTR, ptr, hint="cell")
            ptr = self.b.gep(cell, i64(0), 1, CELL_VALUE, "cellval")
        return self.b.load(kt, ptr, hint=name.split(".")[0])

    def store_var(self, name: str, value) -> None:
        loc = self.var_location(name)
        kind, ptr, t = loc
        if value is None or kir_type(resolve(t)) == VOID:
            return
        if kind == "cell":
            cell = self.b.load(PTR, ptr, hint="cell")
            ptr = self.b.gep(cell, i64(0), 1, CELL_VALUE, "cellval")
        self.b.store(value, ptr)

    def load_nonlocal_name(self, name: str, node: ast.AST):
        """Module globals, functions, modules: everything that is not a local of this function."""
        kind, owner, t = self._lookup(name, node)
        if kind == "global":
            kt = kir_type(resolve(t))
            if kt == VOID:
                return None
            return self.b.load(kt, self.p.global_slot(owner, self.local_name(name) if owner is self.inst else name),
                               hint=name)
        if kind == "function":
            return self.function_value(node, t.function, NULL)
        if kind == "dunder-name":
            return self.string("__main__" if owner.name == "__main__" else owner.name)
        if kind == "math-const":
            import math
            return kir_f64({"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan, "tau": math.tau}[owner])
        return None  # modules and builtins have no run-time value

    def _lookup(self, name: str, node: ast.AST):
        from pyvm.frontend.infer import FunctionChecker
        fc = FunctionChecker(self.p.checker, self.inst)
        return fc.lookup(name, node)

    # ---- statements ------------------------------------------------------------------------------

    def block(self, stmts: list[ast.stmt]) -> None:
        for stmt in stmts:
            if self.b.terminated:
                self.b.position_at_end(self.new_block("dead"))
            self.line = stmt.lineno
            getattr(self, "stmt_" + type(stmt).__name__)(stmt)

    def stmt_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return
        self.value(node.value)

    def stmt_Pass(self, node) -> None:
        pass

    stmt_Global = stmt_Nonlocal = stmt_Import = stmt_ImportFrom = stmt_Pass

    def stmt_Break(self, node) -> None:
        self.b.jump(self.loops[-1].break_block)

    def stmt_Continue(self, node) -> None:
        self.b.jump(self.loops[-1].continue_block)

    def stmt_Return(self, node: ast.Return) -> None:
        value = self.value(node.value) if node.value is not None else None
        if self.ret_slot is not None and value is not None:
            self.b.store(value, self.ret_slot)
        self.b.jump(self.exit_block)

    def stmt_Assign(self, node: ast.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)) \
                and isinstance(node.value, (ast.Tuple, ast.List)) \
                and len(node.targets[0].elts) == len(node.value.elts):
            values = [self.value(v) for v in node.value.elts]  # a, b = b, a: evaluate all first
            for target, value, vnode in zip(node.targets[0].elts, values, node.value.elts):
                self.assign(target, value, self.type(vnode))
            return
        value = self.value(node.value)
        t = self.type(node.value)
        for target in node.targets:
            self.assign(target, value, t)

    def stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.assign(node.target, self.annotated_value(node), self.type(node.target))

    def stmt_AugAssign(self, node: ast.AugAssign) -> None:
        target = node.target
        result_t = self.type(node)
        if isinstance(target, ast.Name):
            current = self.value(target)
            target_t = self.type(target).prune()
            if isinstance(target_t, ListT) and isinstance(node.op, (ast.Add, ast.Mult)):
                # list += iterable and list *= n mutate the list in place (aliases see it)
                if isinstance(node.op, ast.Add):
                    other = self.value(node.value)
                    if not isinstance(self.type(node.value).prune(), ListT):
                        other = self.to_list(other, self.type(node.value))
                    self.rt("pyvm_list_extend", [current, other])
                else:
                    self.rt("pyvm_list_inplace_repeat", [current, self.coerce(self.value(node.value),
                                                                               self.type(node.value), INT)])
                return
            value = self.binop(node.op, current, self.type(target), self.value(node.value), self.type(node.value))
            self.store_var(target.id, self.coerce(value, result_t, self.type(target)))
            return
        if isinstance(target, ast.Subscript):
            container = self.value(target.value)
            ctype = self.type(target.value)
            index = self.value(target.slice)
            current = self.subscript_get(container, ctype, index, self.type(target.slice), target)
            value = self.binop(node.op, current, self.type(target), self.value(node.value), self.type(node.value))
            self.subscript_set(container, ctype, index, self.type(target.slice), value)
            return
        raise unsupported(self.source, node, "this augmented assignment")

    def assign(self, target: ast.expr, value, t: Type) -> None:
        if isinstance(target, ast.Name):
            self.store_var(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target, value, t)
        elif isinstance(target, ast.Subscript):
            container = self.value(target.value)
            self.subscript_set(container, self.type(target.value), self.value(target.slice),
                               self.type(target.slice), value)
        else:
            raise unsupported(self.source, target, "this assignment target")

    def stmt_If(self, node: ast.If) -> None:
        then, otherwise, done = self.new_block("then"), self.new_block("else"), self.new_block("endif")
        self.branch(node.test, then, otherwise)
        self.b.position_at_end(then)
        if not self.narrowed_body(node):
            self.block(node.body)
        if not self.b.terminated:
            self.b.jump(done)
        self.b.position_at_end(otherwise)
        self.block(node.orelse)
        self.goto(done)

    def stmt_While(self, node: ast.While) -> None:
        head, body, orelse, done = (self.new_block("while"), self.new_block("loop"), self.new_block("wend"),
                                    self.new_block("wexit"))
        self.goto(head)
        self.rt_safepoint()
        self.branch(node.test, body, orelse)
        self.b.position_at_end(body)
        self.loops.append(Loop(head, done))
        self.block(node.body)
        self.loops.pop()
        self.goto(head)
        self.b.position_at_end(orelse)
        self.block(node.orelse)
        self.goto(done)

    def stmt_For(self, node: ast.For) -> None:
        def body(values):
            self.assign_item(node.target, values, self.type(node.target) if id(node.target) in self.inst.types
                             else None)
            self.block(node.body)
        self.for_each(node.iter, body, node.orelse)

    def stmt_Assert(self, node: ast.Assert) -> None:
        ok, bad = self.new_block("assert_ok"), self.new_block("assert_fail")
        self.branch(node.test, ok, bad)
        self.b.position_at_end(bad)
        if node.msg is None:
            self.raise_error("AssertionError", None)
        else:
            msg = self.to_str(self.value(node.msg), self.type(node.msg))
            self.rt("pyvm_raise_str", [kir_i32(EXC["AssertionError"]), msg], VOID, ("noreturn",))
            self.b.unreachable()
        self.b.position_at_end(ok)

    def stmt_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            container = self.value(target.value)
            ctype = self.type(target.value)
            key = self.value(target.slice)
            if ctype.__class__.__name__ == "ListT":
                self.rt("pyvm_list_del_item", [container, key])
            else:
                self.rt("pyvm_dict_del", [container, self.to_slot(key, self.type(target.slice))])

    def stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        if self.is_module:
            return  # module-level functions have no run-time value
        info = self.func.inner[id(node)]
        var_t = self.inst.var(node.name).prune()
        raw = self.closure_value(info)
        if isinstance(var_t, FnRefT) and var_t.uniform:
            raw = self.box_function(var_t, info, raw)
        self.store_var(node.name, raw)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def closure_value(self, info):
        """The environment of a function created here: pointers to the cells it captures."""
        if not info.frees:
            return NULL
        env = self.rt("pyvm_alloc", [i64(8 * len(info.frees))], PTR)
        for i, name in enumerate(info.frees):
            kind, ptr, _ = self.var_location(name)
            assert kind == "cell", name
            cell = self.b.load(PTR, ptr, hint="cell")
            self.b.store(cell, self.b.gep(env, i64(i), 8, 0, "envslot"))
        return env


def kir_i32(value: int):
    from pyvm.kir import Const
    return Const(I32, value)


def kir_f64(value: float):
    from pyvm.kir import Const
    from pyvm.kir.types import F64
    return Const(F64, value)
