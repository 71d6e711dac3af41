"""Helpers for the interpreter tests: KIR text -> module -> Interpreter, and C compiled in fixtures."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from pyvm.interp import Interpreter
from pyvm.kir import parse_module

CC = shutil.which("cc") or shutil.which("gcc")
needs_cc = pytest.mark.skipif(CC is None, reason="no C compiler")


def module(text: str):
    return parse_module(textwrap.dedent(text))


def interp(text: str, **kw) -> Interpreter:
    return Interpreter(module(text), **kw)


def run(text: str, fn: str, *args, **kw):
    return interp(text, **kw).call(fn, list(args))


def one_op(sig: str, body: str, ret: str) -> str:
    """A module with one function $f(sig) -> ret whose entry block is body plus `RET %r`."""
    lines = "\n".join("    " + line.strip() for line in body.strip().splitlines())
    return f'module "t"\n\nfunc $f({sig}) -> {ret} {{\n@entry:\n{lines}\n    RET %r\n}}\n'


def compile_c(tmp: Path, name: str, source: str, shared: bool, libs: tuple[str, ...] = ()) -> Path:
    src = tmp / f"{name}.c"
    src.write_text(textwrap.dedent(source))
    out = tmp / (f"lib{name}.so" if shared else name)
    cmd = [CC, "-O1", "-fno-strict-aliasing", "-o", str(out), str(src), *libs]
    if shared:
        cmd[1:1] = ["-shared", "-fPIC"]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


C_LIBRARY = r"""
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int64_t c_add(int64_t a, int64_t b) { return a + b; }
int64_t c_sub(int64_t a, int64_t b) { return a - b; }
int32_t c_mul32(int32_t a, int32_t b) { return (int32_t)((uint32_t)a * (uint32_t)b); }
int16_t c_twice16(int16_t a) { return (int16_t)(a * 2); }
int8_t c_neg8(int8_t a) { return (int8_t)-a; }
bool c_is_even(int64_t a) { return a % 2 == 0; }
bool c_not(bool b) { return !b; }
double c_mix(double a, float b, int32_t c) { return a * 2.0 + (double)b + c; }
float c_halff(float x) { return x / 2.0f; }
void c_fill(uint8_t *p, int64_t n, int8_t v) { memset(p, v, (size_t)n); }
int64_t c_sum(const int64_t *p, int64_t n) { int64_t s = 0; for (int64_t i = 0; i < n; i++) s += p[i]; return s; }
void *c_alloc(int64_t n) { return calloc((size_t)n, 1); }
void c_free(void *p) { free(p); }
void *c_null(void) { return NULL; }
const char *c_greeting(void) { return "hello from C"; }
static int64_t counter;
void c_bump(void) { counter++; }
int64_t c_counter(void) { return counter; }
typedef int64_t (*binop)(int64_t, int64_t);
binop c_get_op(int32_t which) { return which ? c_sub : c_add; }
void *c_heap_pointer(void) { static int64_t *p; if (!p) p = malloc(64); return p; }
"""


@pytest.fixture(scope="session")
def clib(tmp_path_factory) -> Path:
    if CC is None:
        pytest.skip("no C compiler")
    return compile_c(tmp_path_factory.mktemp("clib"), "kirtest", C_LIBRARY, shared=True)


def libm():
    import ctypes.util
    name = ctypes.util.find_library("m")
    return ctypes.CDLL(name) if name else None
