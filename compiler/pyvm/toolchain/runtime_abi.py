"""The C runtime's functions as KIR sees them, read from the runtime's own headers.

The headers under runtime/ are the single description of the runtime ABI; this module parses their
`pyvm_*` prototypes into KIR signatures so that every extern the compiler declares can be checked
against them (`check_externs`), and a renamed or retyped runtime function is a compile-time
internal error instead of a crash at link or run time.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from pyvm.kir.ir import Extern
from pyvm.kir.types import F32, F64, I1, I8, I16, I32, I64, PTR, VOID, Type

RUNTIME_DIR = Path(__file__).resolve().parents[3] / "runtime"

_PROTOTYPE = re.compile(
    r"^\s*(?:extern\s+)?(?P<noreturn>_Noreturn\s+)?(?:static\s+)?(?:inline\s+)?(?P<ret>[A-Za-z_][\w\s\*]*?)\s*"
    r"(?P<star>\**)\s*(?P<name>pyvm_\w+)\s*\((?P<params>[^;{]*)\)\s*[;{]", re.MULTILINE)

_SCALARS = {
    "void": VOID, "bool": I1, "_Bool": I1, "char": I8, "int8_t": I8, "uint8_t": I8, "int16_t": I16,
    "uint16_t": I16, "int": I32, "int32_t": I32, "uint32_t": I32, "unsigned": I32, "int64_t": I64,
    "uint64_t": I64, "size_t": I64, "ssize_t": I64, "intptr_t": I64, "uintptr_t": I64, "pyvm_slot": I64,
    "long": I64, "double": F64, "float": F32,
}


def c_type_to_kir(text: str) -> Type | None:
    text = re.sub(r"\b(const|volatile|restrict|struct|enum)\b", " ", text).strip()
    if "*" in text or "[" in text:
        return PTR
    words = text.split()
    if not words:
        return None
    base = words[-1] if words[-1] not in _SCALARS and len(words) > 1 and words[0] in _SCALARS else " ".join(words)
    if base in _SCALARS:
        return _SCALARS[base]
    if words[0] in _SCALARS:
        return _SCALARS[words[0]]
    return None  # a struct passed by value: not part of the compiled-code ABI


def _param_type(param: str) -> Type | None:
    param = param.strip()
    param = re.sub(r"\s*\w+\s*$", "", param) if re.search(r"[\w\*]\s+\**\w+\s*$", param) and "*" not in \
        param.split()[-1] else param
    if param.endswith("]"):
        return PTR
    m = re.match(r"(.*?)(\**)\s*\w*$", param)
    if m and m.group(2):
        return PTR
    return c_type_to_kir(param)


@cache
def runtime_signatures() -> dict[str, Extern]:
    """Every pyvm_* function prototype in the runtime's headers."""
    found: dict[str, Extern] = {}
    for header in sorted(RUNTIME_DIR.rglob("*.h")):
        text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.DOTALL)
        text = re.sub(r"//[^\n]*", " ", text)
        for m in _PROTOTYPE.finditer(text):
            ret = PTR if m.group("star") else c_type_to_kir(m.group("ret").split()[-1] if m.group("ret") else "")
            if ret is None:
                continue
            params_text = m.group("params").strip()
            params: list[Type] = []
            if params_text and params_text != "void":
                ok = True
                for p in _split_params(params_text):
                    t = _param_type(p)
                    if t is None:
                        ok = False
                        break
                    params.append(t)
                if not ok:
                    continue
            attrs = ("noreturn",) if m.group("noreturn") else ()
            found[m.group("name")] = Extern(m.group("name"), params, ret, attrs)
    return found


def _split_params(text: str) -> list[str]:
    depth, cur, out = 0, "", []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def check_externs(externs: list[Extern]) -> list[str]:
    """Problems with the externs a module declares, measured against the runtime's headers."""
    known = runtime_signatures()
    problems = []
    for ext in externs:
        if not ext.name.startswith("pyvm_"):
            continue
        sig = known.get(ext.name)
        if sig is None:
            problems.append(f"runtime function {ext.name} is not declared in runtime/ headers")
        elif sig.params != ext.params or sig.ret != ext.ret:
            problems.append(f"runtime function {ext.name}: compiler uses ({', '.join(map(str, ext.params))}) -> "
                            f"{ext.ret}, runtime has ({', '.join(map(str, sig.params))}) -> {sig.ret}")
    return problems
