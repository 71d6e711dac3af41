"""`pyvm emit --stage typed`: each function instance's source with the inferred type of every name."""

from __future__ import annotations

import ast

from pyvm.frontend.infer import Checker, Instance
from pyvm.frontend.types import resolve


def _signature(inst: Instance) -> str:
    params = ", ".join(f"{p}: {resolve(t, None)}" for p, t in zip(inst.func.params, inst.param_types))
    return f"{inst.func.qualname}({params}) -> {resolve(inst.ret, None)}"


def dump_typed(checker: Checker) -> str:
    out: list[str] = []
    for module in checker.modules:
        minst = checker.module_instances[id(module)]
        out.append(f"# module {module.name} ({module.source.shown})")
        for name, t in sorted(minst.vars.items()):
            out.append(f"global {name}: {resolve(t, None)}")
        out.append("")
    for inst in checker.instances.values():
        out.append(f"{'async ' if inst.func.is_async else ''}def {_signature(inst)}:")
        for name, t in sorted(inst.vars.items()):
            if name not in inst.func.params:
                out.append(f"    {name}: {resolve(t, None)}")
        calls = [n for n in ast.walk(ast.Module(inst.func.body, [])) if id(n) in inst.targets]
        for node in calls:
            target = inst.targets[id(node)]
            what = _signature(target.instance) if hasattr(target, "instance") else getattr(target, "name", target)
            out.append(f"    line {getattr(node, 'lineno', '?')}: {ast.unparse(node)[:60]}  ->  {what}")
        out.append("")
    return "\n".join(out)
