"""The KIR verifier: structure, SSA, dominance and types, checked against the opcode table.

Run between passes in debug mode (`pyvm.pipeline`), after parsing, and on every module the fuzzer
generates. It never changes the module; it returns (or raises with) every problem it finds.
"""

from __future__ import annotations

from pyvm.kir.cfg import dominates, dominators, predecessors
from pyvm.kir.ir import Const, Extern, Function, Instr, Label, Module, Reg, Sym
from pyvm.kir.opcodes import FCMP_CONDS, ICMP_CONDS, INTRINSICS, ORDERINGS, RMW_OPS
from pyvm.kir.types import F32, F64, I1, I8, PTR, VOID, Type


class VerifyError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("KIR verification failed:\n  " + "\n  ".join(problems))
        self.problems = problems


def verify(module: Module) -> None:
    problems = check_module(module)
    if problems:
        raise VerifyError(problems)


def check_module(module: Module) -> list[str]:
    problems: list[str] = []
    names: set[str] = set()
    for item in [*module.data, *module.externs, *module.functions]:
        if item.name in names:
            problems.append(f"symbol ${item.name} defined twice")
        names.add(item.name)
    for d in module.data:
        if d.align <= 0 or d.align & (d.align - 1):
            problems.append(f"data ${d.name}: alignment {d.align} is not a power of two")
    symbols = module.symbols()
    for fn in module.functions:
        problems.extend(FunctionChecker(fn, symbols).run())
    return problems


class FunctionChecker:
    def __init__(self, fn: Function, symbols: dict):
        self.fn, self.symbols = fn, symbols
        self.problems: list[str] = []
        self.where = f"${fn.name}"

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")

    def run(self) -> list[str]:
        fn = self.fn
        if not fn.blocks:
            self.fail("function has no blocks")
            return self.problems
        labels = [b.label for b in fn.blocks]
        if len(set(labels)) != len(labels):
            self.fail("a block label is used twice")
        label_set = set(labels)
        defs: dict[int, tuple[str, int]] = {}  # id(reg) -> (block, index); params at index -1
        names: set[str] = set()
        for p in fn.params:
            defs[id(p)] = (fn.entry.label, -1)
            names.add(p.name)
            if p.type == VOID:
                self.fail(f"parameter {p} has type void")
        for block in fn.blocks:
            for i, ins in enumerate(block.instrs):
                if ins.dest is not None:
                    if id(ins.dest) in defs or ins.dest.name in names:
                        self.fail(f"register {ins.dest} defined more than once")
                    defs[id(ins.dest)] = (block.label, i)
                    names.add(ins.dest.name)
        preds = predecessors(fn)
        if preds[fn.entry.label]:
            self.fail(f"the entry block @{fn.entry.label} has predecessors")
        idom = dominators(fn)
        for block in fn.blocks:
            self.where = f"${fn.name} @{block.label}"
            if not block.instrs or not block.instrs[-1].is_terminator:
                self.fail("block does not end with a terminator")
            seen_non_phi = False
            for i, ins in enumerate(block.instrs):
                self.where = f"${fn.name} @{block.label} #{i} {ins.op}"
                if ins.is_terminator and i != len(block.instrs) - 1:
                    self.fail("terminator in the middle of a block")
                if ins.op == "PHI":
                    if seen_non_phi:
                        self.fail("PHI after a non-PHI instruction")
                    self._check_phi(ins, block.label, preds, idom, defs)
                else:
                    seen_non_phi = True
                    for reg in ins.regs_used():
                        self._check_dominance(reg, block.label, i, idom, defs)
                for lab in ins.labels():
                    if lab.name not in label_set:
                        self.fail(f"jump to unknown block {lab}")
                    elif lab.name == fn.entry.label and ins.is_terminator:
                        self.fail("jump to the entry block")
                for v in ins.values():
                    if isinstance(v, Sym) and v.name not in self.symbols:
                        self.fail(f"unknown symbol {v}")
                    elif isinstance(v, Const) and v.type.is_int and not (
                            v.type.min_signed <= v.value <= v.type.max_signed):
                        self.fail(f"constant {v} is out of range for {v.type}")
                self._check_types(ins)
        return self.problems

    def _check_dominance(self, reg: Reg, label: str, index: int, idom, defs) -> None:
        if id(reg) not in defs:
            self.fail(f"{reg} is used but never defined in this function")
            return
        def_label, def_index = defs[id(reg)]
        if label not in idom:
            return  # unreachable code: dominance is meaningless there
        if def_label == label:
            if def_index >= index:
                self.fail(f"{reg} is used before its definition")
        elif not dominates(idom, def_label, label):
            self.fail(f"the definition of {reg} does not dominate this use")

    def _check_phi(self, ins: Instr, label: str, preds, idom, defs) -> None:
        if len(ins.operands) % 2 or not ins.operands:
            self.fail("PHI needs [value, @label] pairs")
            return
        incoming = ins.phi_incoming()
        from_labels = [lab.name for _, lab in incoming]
        if sorted(from_labels) != sorted(preds[label]):
            self.fail(f"PHI incoming blocks {sorted(from_labels)} differ from predecessors {sorted(preds[label])}")
        for value, lab in incoming:
            if not isinstance(lab, Label):
                self.fail("PHI incoming label missing")
                continue
            if value.type != ins.dest.type:
                self.fail(f"PHI incoming {value} has type {value.type}, not {ins.dest.type}")
            if isinstance(value, Reg) and lab.name in idom:
                if id(value) not in defs:
                    self.fail(f"{value} is used but never defined in this function")
                else:
                    def_label, _ = defs[id(value)]
                    if not dominates(idom, def_label, lab.name):
                        self.fail(f"the definition of {value} does not dominate the end of {lab}")

    # ---- types -----------------------------------------------------------------------------------

    def _result(self, ins: Instr, t: Type | None) -> None:
        if t is None or t == VOID:
            if ins.dest is not None:
                self.fail(f"{ins.op} has no result, but writes {ins.dest}")
        elif ins.dest is None:
            self.fail(f"{ins.op} needs a result register of type {t}")
        elif ins.dest.type != t:
            self.fail(f"result {ins.dest} should have type {t}, not {ins.dest.type}")

    def _check_types(self, ins: Instr) -> None:
        info = ins.info
        vals = ins.values()
        rule = info.operands
        kinds = [o for o in ins.operands if isinstance(o, str)]
        if info.group in ("binary", "unary"):
            if len(vals) != (2 if info.group == "binary" else 1):
                self.fail("wrong number of operands")
                return
            t = vals[0].type
            if any(v.type != t for v in vals):
                self.fail(f"operands have different types: {', '.join(str(v.type) for v in vals)}")
            if rule == "int" and not t.is_int or rule == "num" and not (t.is_int or t.is_float):
                self.fail(f"{ins.op} is not defined on {t}")
            self._result(ins, t)
        elif info.group in ("icmp", "fcmp"):
            cond = ins.operands[0]
            conds = ICMP_CONDS if info.group == "icmp" else FCMP_CONDS
            if cond not in conds:
                self.fail(f"unknown condition {cond!r}")
            if len(vals) != 2 or vals[0].type != vals[1].type:
                self.fail("comparison needs two operands of one type")
            elif info.group == "icmp" and not (vals[0].type.is_int or vals[0].type.is_ptr):
                self.fail(f"ICMP on {vals[0].type}")
            elif info.group == "fcmp" and not vals[0].type.is_float:
                self.fail(f"FCMP on {vals[0].type}")
            self._result(ins, I1)
        elif info.group == "select":
            if len(vals) != 3 or vals[0].type != I1 or vals[1].type != vals[2].type:
                self.fail("SELECT needs an i1 condition and two values of one type")
            else:
                self._result(ins, vals[1].type)
        elif info.group == "copy":
            if len(vals) != 1:
                self.fail("COPY takes one value")
            else:
                self._result(ins, vals[0].type)
        elif info.group == "cast":
            self._check_cast(ins, vals)
        elif info.group == "memory":
            self._check_memory(ins, vals)
        elif info.group == "call":
            self._check_call(ins, vals)
        elif info.group == "intrinsic":
            intr = INTRINSICS.get(ins.operands[0])
            if intr is None:
                self.fail(f"unknown intrinsic {ins.operands[0]!r}")
                return
            arg_types = [v.type for v in vals]
            why = intr.check(arg_types)
            if why:
                self.fail(why)
            else:
                self._result(ins, intr.result_type(arg_types))
        elif info.group == "phi":
            if ins.dest is None:
                self.fail("PHI needs a result")
        elif info.group == "atomic":
            self._check_atomic(ins, vals, kinds)
        elif info.group == "terminator":
            self._check_terminator(ins, vals)

    def _check_cast(self, ins: Instr, vals) -> None:
        if len(vals) != 1 or ins.dest is None:
            self.fail(f"{ins.op} takes one value and has a result")
            return
        src, dst = vals[0].type, ins.dest.type
        ok = {
            "ZEXT": src.is_int and dst.is_int and dst.bits > src.bits,
            "SEXT": src.is_int and dst.is_int and dst.bits > src.bits,
            "TRUNC": src.is_int and dst.is_int and dst.bits < src.bits,
            "FPEXT": src == F32 and dst == F64,
            "FPTRUNC": src == F64 and dst == F32,
            "SITOFP": src.is_int and dst.is_float, "UITOFP": src.is_int and dst.is_float,
            "FPTOSI": src.is_float and dst.is_int, "FPTOUI": src.is_float and dst.is_int,
            "BITCAST": src.bits == dst.bits and src.kind in ("int", "float") and dst.kind in ("int", "float")
                       and src != dst,
            "INT2PTR": src.is_int and dst.is_ptr, "PTR2INT": src.is_ptr and dst.is_int,
        }[ins.op]
        if not ok:
            self.fail(f"{ins.op} cannot turn {src} into {dst}")

    def _check_memory(self, ins: Instr, vals) -> None:
        imms = [o for o in ins.operands if isinstance(o, int) and not isinstance(o, bool)]
        if ins.op == "ALLOCA":
            size, align = ins.operands
            if size <= 0 or align <= 0 or align & (align - 1):
                self.fail("ALLOCA needs a positive size and a power-of-two alignment")
            self._result(ins, PTR)
            return
        align = imms[-1] if ins.op != "GEP" else 1
        if align <= 0 or align & (align - 1):
            self.fail(f"alignment {align} is not a power of two")
        if ins.op == "LOAD":
            if vals[0].type != PTR:
                self.fail("LOAD needs a ptr address")
            if ins.dest is None or ins.dest.type == VOID:
                self.fail("LOAD needs a typed result")
        elif ins.op == "STORE":
            if len(vals) != 2 or vals[1].type != PTR:
                self.fail("STORE needs a value and a ptr address")
            self._result(ins, None)
        elif ins.op == "GEP":
            if vals[0].type != PTR or not vals[1].type.is_int:
                self.fail("GEP needs a ptr base and an integer index")
            self._result(ins, PTR)
        elif ins.op == "MEMSET":
            if vals[0].type != PTR or vals[1].type != I8 or not vals[2].type.is_int:
                self.fail("MEMSET needs (ptr, i8, integer size)")
            self._result(ins, None)
        elif ins.op == "MEMCPY":
            if vals[0].type != PTR or vals[1].type != PTR or not vals[2].type.is_int:
                self.fail("MEMCPY needs (ptr, ptr, integer size)")
            self._result(ins, None)

    def _check_call(self, ins: Instr, vals) -> None:
        callee, args = ins.operands[0], ins.operands[1:]
        if isinstance(callee, Sym):
            target = self.symbols.get(callee.name)
            if isinstance(target, Function):
                params, ret = [p.type for p in target.params], target.ret
            elif isinstance(target, Extern):
                params, ret = target.params, target.ret
            else:
                self.fail(f"call of {callee}, which is not a function")
                return
            if [a.type for a in args] != params:
                self.fail(f"call of {callee} with ({', '.join(str(a.type) for a in args)}); it takes "
                          f"({', '.join(map(str, params))})")
            self._result(ins, ret)
        elif isinstance(callee, Reg):
            if callee.type != PTR:
                self.fail("indirect call through a non-ptr value")
        else:
            self.fail("call of a constant")

    def _check_atomic(self, ins: Instr, vals, kinds) -> None:
        for k in kinds:
            if k not in ORDERINGS and k not in RMW_OPS:
                self.fail(f"unknown ordering or operation {k!r}")
        if ins.op == "ATOMIC_LOAD":
            if vals[0].type != PTR or ins.dest is None or not (ins.dest.type.is_int or ins.dest.type.is_ptr):
                self.fail("ATOMIC_LOAD needs a ptr and an integer or ptr result")
        elif ins.op == "ATOMIC_STORE":
            if len(vals) != 2 or vals[1].type != PTR:
                self.fail("ATOMIC_STORE needs a value and a ptr")
        elif ins.op == "ATOMIC_RMW":
            if kinds[0] not in RMW_OPS or vals[0].type != PTR or not vals[1].type.is_int:
                self.fail("ATOMIC_RMW needs an operation, a ptr and an integer")
            else:
                self._result(ins, vals[1].type)
        elif ins.op == "ATOMIC_CMP_XCHG":
            if vals[0].type != PTR or vals[1].type != vals[2].type:
                self.fail("ATOMIC_CMP_XCHG needs a ptr and two values of one type")
            else:
                self._result(ins, vals[1].type)

    def _check_terminator(self, ins: Instr, vals) -> None:
        if ins.op == "JUMP_IF" and (len(vals) != 1 or vals[0].type != I1):
            self.fail("JUMP_IF needs an i1 condition")
        elif ins.op == "SWITCH":
            if not vals[0].type.is_int:
                self.fail("SWITCH needs an integer")
            cases = [vals[0].type.wrap(c) for c, _ in ins.switch_cases()]
            if len(set(cases)) != len(cases):
                self.fail("SWITCH has a repeated case")
        elif ins.op == "RET":
            ret = self.fn.ret
            if ret == VOID and vals:
                self.fail("RET with a value in a void function")
            elif ret != VOID and (len(vals) != 1 or vals[0].type != ret):
                self.fail(f"RET needs one value of type {ret}")
        if ins.dest is not None:
            self.fail("a terminator has no result")
