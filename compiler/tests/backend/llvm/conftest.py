"""Fixtures for the LLVM backend tests: a tiny C support library standing in for the runtime.

It provides `main` (calls `pyvm_program_main`, prints every reported check and the result) for native
executables, and `pyvm_test_report` (records a check's result) for both executables and the JIT.
Built once per session: report.o + main.o in a static library, report.o alone in a shared library
(the JIT must not load a second `main`, nor any `pyvm_rt_init`, into the test process).
"""

from __future__ import annotations

import ctypes
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPORT_C = r"""
#include <stdint.h>
#include <string.h>

#define PYVM_TEST_MAX 65536
int64_t pyvm_test_results[PYVM_TEST_MAX];
unsigned char pyvm_test_seen[PYVM_TEST_MAX];
int64_t pyvm_test_extra;  /* reports with an id out of range */

void pyvm_test_report(int64_t id, int64_t value) {
    if (id >= 0 && id < PYVM_TEST_MAX) {
        pyvm_test_results[id] = value;
        pyvm_test_seen[id] = 1;
    } else {
        pyvm_test_extra++;
    }
}

void pyvm_test_reset(void) {
    memset(pyvm_test_seen, 0, sizeof pyvm_test_seen);
    pyvm_test_extra = 0;
}
"""

MAIN_C = r"""
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#define PYVM_TEST_MAX 65536
extern int64_t pyvm_test_results[PYVM_TEST_MAX];
extern unsigned char pyvm_test_seen[PYVM_TEST_MAX];
int64_t pyvm_program_main(void);

int main(void) {
    int64_t result = pyvm_program_main();
    for (int64_t i = 0; i < PYVM_TEST_MAX; i++)
        if (pyvm_test_seen[i])
            printf("%" PRId64 " %" PRId64 "\n", i, pyvm_test_results[i]);
    printf("result %" PRId64 "\n", result);
    return 0;
}
"""

MAX_CHECKS = 65536


@dataclass
class SupportLib:
    static: Path  # libpyvmtest.a: main + pyvm_test_report
    shared: Path  # libpyvmtest.so: pyvm_test_report only

    def jit_results(self) -> dict[int, int]:
        lib = ctypes.CDLL(str(self.shared))  # the handle the JIT's dlopen already holds
        values = (ctypes.c_int64 * MAX_CHECKS).in_dll(lib, "pyvm_test_results")
        seen = (ctypes.c_ubyte * MAX_CHECKS).in_dll(lib, "pyvm_test_seen")
        return {i: values[i] for i in range(MAX_CHECKS) if seen[i]}

    def jit_reset(self) -> None:
        ctypes.CDLL(str(self.shared)).pyvm_test_reset()


def _cc(*args: str) -> None:
    proc = subprocess.run(["cc", *args], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="session")
def support_lib(tmp_path_factory) -> SupportLib:
    d = tmp_path_factory.mktemp("pyvmtest")
    (d / "report.c").write_text(REPORT_C)
    (d / "main.c").write_text(MAIN_C)
    _cc("-O1", "-fPIC", "-c", str(d / "report.c"), "-o", str(d / "report.o"))
    _cc("-O1", "-fPIC", "-c", str(d / "main.c"), "-o", str(d / "main.o"))
    static = d / "libpyvmtest.a"
    subprocess.run(["ar", "rcs", str(static), str(d / "report.o"), str(d / "main.o")], check=True)
    shared = d / "libpyvmtest.so"
    _cc("-shared", "-o", str(shared), str(d / "report.o"))
    return SupportLib(static, shared)

