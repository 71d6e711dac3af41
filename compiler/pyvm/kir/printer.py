"""KIR's text form. `parse(print_module(m))` rebuilds m exactly, and printing that again gives the
same text; the syntax of each instruction comes from the opcode table.

    module "main"

    data $msg = const "hi\0a" align 1
    extern $pyvm_print_str(ptr) -> void

    func $twice(%x: i64) -> i64 {
    @entry:
        %y: i64 = ADD %x, %x
        RET %y
    }
"""

from __future__ import annotations

from pyvm.kir.ir import Data, Extern, Function, Instr, Module

INDENT = "    "


def escape_bytes(content: bytes) -> str:
    out = []
    for b in content:
        ch = chr(b)
        if 0x20 <= b < 0x7F and ch not in '"\\':
            out.append(ch)
        else:
            out.append(f"\\{b:02x}")
    return '"' + "".join(out) + '"'


# Keyword operands (a condition, an RMW operation, an intrinsic's name) lead the operand list and are
# followed by a space, not a comma: `ICMP slt %a, %b`, `ATOMIC_RMW add %p, %v, seq_cst`.
KEYWORD_KINDS = ("cond", "rmwop", "name")


def format_instr(ins: Instr) -> str:
    ops = ins.operands
    i = 0
    text = ins.op
    sep = " "
    for kind in ins.info.syntax:
        if kind == "args":
            text += "(" + ", ".join(str(v) for v in ops[i:]) + ")"
            i = len(ops)
            continue
        if kind == "v?":
            if i < len(ops):
                text += sep + str(ops[i])
                i += 1
            continue
        if kind == "incoming":
            piece = ", ".join(f"[{ops[j]}, {ops[j + 1]}]" for j in range(i, len(ops), 2))
            i = len(ops)
        elif kind == "cases":
            piece = "[" + ", ".join(f"{ops[j]}: {ops[j + 1]}" for j in range(i, len(ops), 2)) + "]"
            i = len(ops)
        else:
            piece = str(ops[i])
            i += 1
        text += sep + piece
        sep = " " if kind in KEYWORD_KINDS else ", "
    if ins.dest is not None:
        return f"{ins.dest}: {ins.dest.type} = {text}"
    return text


def format_function(fn: Function) -> list[str]:
    params = ", ".join(f"{p}: {p.type}" for p in fn.params)
    attrs = "".join(f" {a}" for a in fn.attrs)
    lines = [f"func ${fn.name}({params}) -> {fn.ret}{attrs} {{"]
    for block in fn.blocks:
        lines.append(f"@{block.label}:")
        lines.extend(INDENT + format_instr(ins) for ins in block.instrs)
    lines.append("}")
    return lines


def format_extern(ext: Extern) -> str:
    attrs = "".join(f" {a}" for a in ext.attrs)
    return f"extern ${ext.name}({', '.join(str(t) for t in ext.params)}) -> {ext.ret}{attrs}"


def format_data(d: Data) -> str:
    if d.kind == "const":
        return f"data ${d.name} = const {escape_bytes(d.content)} align {d.align}"
    return f"data ${d.name} = zero {d.size} align {d.align}"


def print_module(module: Module) -> str:
    lines = [f'module "{module.name}"']
    if module.data:
        lines.append("")
        lines.extend(format_data(d) for d in module.data)
    if module.externs:
        lines.append("")
        lines.extend(format_extern(e) for e in module.externs)
    for fn in module.functions:
        lines.append("")
        lines.extend(format_function(fn))
    return "\n".join(lines) + "\n"
