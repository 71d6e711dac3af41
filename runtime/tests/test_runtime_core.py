"""The C runtime, tested three ways.

1. C unit tests (runtime/tests/test_*.c): built against libpyvmrt.a and run, once optimised and
   once under AddressSanitizer + UndefinedBehaviorSanitizer.
2. Differential tests: runtime/tests/driver.c reads operations on stdin and prints the runtime's
   answers; the same operations run here under CPython 3.12 and every line must match, error
   messages included. Inputs are generated (thousands of random doubles, format specs, strings).
3. Program scenarios (prog_scenarios.c, linked with the runtime's own main()): stdout, stderr and
   exit status compared with CPython running the equivalent main.py.

Plus the build module: caching, atomic concurrent builds, error reporting, the .a/.so split.
"""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import struct
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pyvm.toolchain import runtime_build as rb

TESTS = Path(__file__).resolve().parent
C_UNIT_TESTS = sorted(p.stem for p in TESTS.glob("test_*.c"))
SANITIZER_ENV = {"ASAN_OPTIONS": "detect_leaks=0:abort_on_error=0", "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the runtime targets POSIX")


# ---------------------------------------------------------------------------------------------
# building test programs


class Programs:
    """Compiles runtime/tests/*.c against the runtime library once per session."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, bool], Path] = {}

    def get(self, name: str, sanitize: bool = False) -> Path:
        key = (name, sanitize)
        if key not in self.built:
            exe = self.folder / (name + ("-san" if sanitize else ""))
            lib = rb.runtime_library("static", sanitize=sanitize)
            cmd = [rb.compiler(), *rb.compile_flags(sanitize), "-Werror", str(TESTS / f"{name}.c"), str(lib),
                   *rb.link_flags(sanitize), "-o", str(exe)]
            done = subprocess.run(cmd, capture_output=True, text=True)
            assert done.returncode == 0, f"building {name} failed:\n{' '.join(cmd)}\n{done.stdout}{done.stderr}"
            self.built[key] = exe
        return self.built[key]


@pytest.fixture(scope="session")
def programs(tmp_path_factory: pytest.TempPathFactory) -> Programs:
    return Programs(tmp_path_factory.mktemp("runtime-programs"))


def run(exe: Path, *, input: str | None = None, env: dict[str, str] | None = None,
        sanitize: bool = False) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(SANITIZER_ENV if sanitize else {}), **(env or {})}
    return subprocess.run([str(exe)], input=input, capture_output=True, text=True, env=full_env, timeout=600)


# ---------------------------------------------------------------------------------------------
# 1. C unit tests


@pytest.mark.parametrize("sanitize", [False, True], ids=["O2", "asan-ubsan"])
@pytest.mark.parametrize("name", C_UNIT_TESTS)
def test_c_unit(programs: Programs, name: str, sanitize: bool) -> None:
    done = run(programs.get(name, sanitize), sanitize=sanitize)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "checks passed" in done.stdout
    if sanitize:
        assert "runtime error" not in done.stderr and "AddressSanitizer" not in done.stderr, done.stderr


def test_public_header_is_self_contained(tmp_path: Path) -> None:
    src = tmp_path / "only_rt.c"
    src.write_text('#include "pyvm/rt.h"\nint use(void) { return (int)sizeof(pyvm_str) + PYVM_EXC_COUNT; }\n')
    cmd = [rb.compiler(), "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I",
           str(rb.runtime_include_dir()), "-c", str(src), "-o", str(tmp_path / "only_rt.o")]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# ---------------------------------------------------------------------------------------------
# 2. differential tests against CPython


def fbits(x: float) -> str:
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]


def hx(s: str) -> str:
    return s.encode("utf-8", "surrogatepass").hex()


def py_outcome(fn) -> str:
    """What the driver prints for an operation, computed by CPython: the text or !Name: message."""
    try:
        return str(fn())
    except Exception as exc:  # noqa: BLE001 - every exception is an expected outcome here
        text = str(exc)
        return "!" + type(exc).__name__ + (": " + text if text else "")


def driver_outcomes(programs: Programs, lines: list[str], sanitize: bool = False) -> list[str]:
    done = run(programs.get("driver", sanitize), input="".join(line + "\n" for line in lines), sanitize=sanitize)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout.splitlines()
    assert len(out) == len(lines), done.stderr[-3000:]
    return [("!" + bytes.fromhex(o[1:]).decode("utf-8", "surrogatepass")) if o.startswith("!")
            else bytes.fromhex(o).decode("utf-8", "surrogatepass") for o in out]


def compare(programs: Programs, cases: list[tuple[str, object]], sanitize: bool = False) -> None:
    """cases: (driver line, zero-argument CPython callable). Reports the first mismatches."""
    got = driver_outcomes(programs, [line for line, _ in cases], sanitize)
    bad = []
    for (line, fn), g in zip(cases, got):
        expected = py_outcome(fn)
        if g != expected:
            bad.append(f"{line!r}\n    CPython: {expected!r}\n    runtime: {g!r}")
    assert not bad, f"{len(bad)} of {len(cases)} differ:\n" + "\n".join(bad[:30])


EDGE_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1.5, 2.5, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e15, 9999999999999998.0,
               1e-4, 1e-5, 0.0001, 0.00001, 5e-324, -5e-324, 2.2250738585072014e-308, 2.225073858507201e-308,
               1.7976931348623157e308, 123456789012345678.0, 1e22, 1e23, 1.5e300, 4.35, 2.675, 0.125, 0.375,
               9.5, 0.05, 1e100, 123456.789, -9876543.21, float("inf"), float("-inf"), float("nan"),
               float(2**53), float(2**53 + 2), float(2**63), 8.41e21, 5e-310]


def random_floats(rng: random.Random, n: int) -> list[float]:
    out = []
    for _ in range(n):
        kind = rng.random()
        if kind < 0.5:
            out.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        elif kind < 0.75:
            out.append(rng.random() * 10.0 ** rng.randint(-25, 25) * rng.choice((1, -1)))
        elif kind < 0.9:
            out.append(round(rng.uniform(-1000, 1000), rng.randint(0, 8)))
        else:
            out.append(rng.choice((1, -1)) * 2.0 ** rng.randint(-1074, 1023))
    return out


def test_float_repr(programs: Programs) -> None:
    rng = random.Random(1234)
    values = EDGE_FLOATS + random_floats(rng, 30000) + [2.0 ** e for e in range(-1074, 1024)]
    values += [float(10 ** k) for k in range(0, 30)] + [10.0 ** -k for k in range(0, 30)]
    compare(programs, [(f"frepr\t{fbits(v)}", lambda v=v: repr(v)) for v in values])


# The spec list of the brief, then generated ones.
BASIC_SPECS = ["", "5d", ".2f", ">8", "^8", "<8", ",", "_", "x", "X", "o", "b", "#x", "e", ".3e", "g", ".3g", "%",
               "+d", " d", "08.3f", "*^10", "=+8d", ",.2f", "#o", "#b", "#X", "c", "n", ".0f", ".0e", ".0%", "z.1f",
               "#.0f", "#g", "#.3g", "010", "-^9", "_x", "_b", ",d", "0=12,", "+.1e", " .2%", ".17g", ".30f",
               ".100e", "\u2605>7", "\u0661\u0660", ".\u0663f", "G", "E", "F", "%x", "s", ".5", "+", "z", "#"]


def generated_specs(rng: random.Random, n: int) -> list[str]:
    specs = set(BASIC_SPECS)
    while len(specs) < n:
        align = rng.choice(["", "<", ">", "^", "="])
        fill = rng.choice(["", "*", "0", " ", "\xe9", "\u2605"]) if align else ""
        spec = (fill + align + rng.choice(["", "+", "-", " "]) + rng.choice(["", "z"]) + rng.choice(["", "#"])
                + rng.choice(["", "0"]) + rng.choice(["", "1", "7", "12", "25"]) + rng.choice(["", ",", "_"])
                + rng.choice(["", ".0", ".1", ".2", ".6", ".15", ".25"])
                + rng.choice(["", "d", "b", "o", "x", "X", "c", "n", "e", "E", "f", "F", "g", "G", "%", "s", "r", "?"]))
        specs.add(spec)
    return sorted(specs)


INT_VALUES = [0, 1, -1, 7, 42, -42, 255, -255, 1000, 65, 0x263A, 0x10FFFF, 0x110000, 123456789, -987654321,
              2**31, 2**53 + 1, 10**15, 2**63 - 1, -2**63]


def test_format_float(programs: Programs) -> None:
    rng = random.Random(99)
    specs = generated_specs(rng, 3000)
    values = EDGE_FLOATS + random_floats(rng, 200)
    cases = [(f"ffmt\t{fbits(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s))
             for s in specs for v in rng.sample(values, 8)]
    cases += [(f"ffmt\t{fbits(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in BASIC_SPECS for v in EDGE_FLOATS]
    compare(programs, cases)


def test_format_int(programs: Programs) -> None:
    rng = random.Random(7)
    specs = generated_specs(rng, 3000)
    cases = [(f"ifmt\t{v}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in specs for v in rng.sample(INT_VALUES, 6)]
    cases += [(f"ifmt\t{v}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in BASIC_SPECS for v in INT_VALUES]
    compare(programs, cases)


def test_format_str_and_bool(programs: Programs) -> None:
    rng = random.Random(11)
    specs = generated_specs(rng, 1500)
    strings = ["", "a", "abc", "h\xe9llo", "\u6f22\u5b57", "\U0001F600x", "a" * 30, "it's"]
    cases = [(f"sfmt\t{hx(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in specs for v in rng.sample(strings, 3)]
    cases += [(f"sfmt\t{hx(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in BASIC_SPECS for v in strings]
    cases += [(f"bfmt\t{int(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s))
              for s in specs + BASIC_SPECS for v in (True, False)]
    compare(programs, cases)


CHAR_POOL = (list("abcXYZ019 _-.,'\"\\\t\n\r") + ["\x00", "\x07", "\x1b", "\x7f", "\x80", "\x9f", "\xa0", "\xad",
             "\xe9", "\xdf", "\xff", "\u0130", "\u03a3", "\u03c3", "\u0301", "\u01c5", "\u1e9e", "\u2028", "\u2029",
             "\u200b", "\u3000", "\u6f22", "\ufeff", "\ufffd", "\ud800", "\udfff", "\U0001F600", "\U000e0001",
             "\U0010ffff", "\U00020000", "\u0661", "\xb2", "\xbd", "\u2167", "\ufb01", "\u0149", "\u1f88", "\x1c",
             "\x85", "\u00aa", "\u02b0", "\u0345"])


def random_text(rng: random.Random, max_len: int = 12, pool: list[str] = CHAR_POOL) -> str:
    return "".join(rng.choice(pool) for _ in range(rng.randint(0, max_len)))


def test_str_repr(programs: Programs) -> None:
    rng = random.Random(5)
    texts = [random_text(rng, 16) for _ in range(4000)]
    texts += [chr(c) for c in range(0, 0x3000)] + [chr(c) for c in range(0xD7F0, 0x10000)]
    texts += [chr(c) for c in rng.sample(range(0x10000, 0x110000), 3000)]
    compare(programs, [(f"srepr\t{hx(t)}", lambda t=t: repr(t)) for t in texts])


def test_str_methods(programs: Programs) -> None:
    rng = random.Random(17)
    small = list("ab ,.") + ["\u03a3", "\u03c3", "\u0301", "'", "\t", "\xa0", "\u2028", "\r", "\n", "\xe9", "\u6f22"]
    cases = []

    def add(line: str, fn) -> None:
        cases.append((line, fn))

    def opt(x: str | None) -> str:
        return "-" if x is None else hx(x)

    flags_of = {0: (False, False), 1: (True, False), 2: (False, True), 3: (True, True)}
    for _ in range(2500):
        s = random_text(rng, 14, small)
        sub = random_text(rng, 2, small)
        sep = rng.choice([None, "", " ", ",", "ab", "\u03a3", "\r\n"])
        n = rng.choice([-1, 0, 1, 2, 5])
        add(f"split\t{hx(s)}\t{opt(sep)}\t{n}", lambda s=s, sep=sep, n=n: repr(s.split(sep, n)))
        add(f"rsplit\t{hx(s)}\t{opt(sep)}\t{n}", lambda s=s, sep=sep, n=n: repr(s.rsplit(sep, n)))
        keep = rng.choice([0, 1])
        add(f"splitlines\t{hx(s)}\t{keep}", lambda s=s, k=keep: repr(s.splitlines(bool(k))))
        chars = rng.choice([None, "", "a", " ,", "\u03a3a"])
        for op in ("strip", "lstrip", "rstrip"):
            add(f"{op}\t{hx(s)}\t{opt(chars)}", lambda s=s, c=chars, op=op: getattr(s, op)(c))
        new = random_text(rng, 3, small)
        add(f"replace\t{hx(s)}\t{hx(sub)}\t{hx(new)}\t{n}", lambda s=s, a=sub, b=new, n=n: s.replace(a, b, n))
        start, end = rng.randint(-20, 20), rng.randint(-20, 20)
        fl = rng.randint(0, 3)
        no_start, no_end = flags_of[fl]
        args = (None if no_start else start, None if no_end else end)
        for op in ("find", "rfind", "count", "startswith", "endswith"):
            add(f"{op}\t{hx(s)}\t{hx(sub)}\t{start}\t{end}\t{fl}",
                lambda s=s, a=sub, op=op, args=args: getattr(s, op)(a, *args))
        step = rng.choice([1, 2, 3, -1, -2, 0])
        sfl = rng.randint(0, 7)
        sargs = [None if sfl & 1 else start, None if sfl & 2 else end, None if sfl & 4 else step]
        add(f"slice\t{hx(s)}\t{start}\t{end}\t{step}\t{sfl}", lambda s=s, a=sargs: s[a[0]:a[1]:a[2]])
        width = rng.randint(-2, 20)
        fill = rng.choice([None, "*", "\u2605", "ab"])
        for op in ("center", "ljust", "rjust"):
            add(f"{op}\t{hx(s)}\t{width}\t{opt(fill)}",
                lambda s=s, w=width, f=fill, op=op: getattr(s, op)(w) if f is None else getattr(s, op)(w, f))
        z = rng.choice(["", "-", "+"]) + s
        add(f"zfill\t{hx(z)}\t{width}", lambda z=z, w=width: z.zfill(w))
        for op in ("upper", "lower", "title", "capitalize", "swapcase", "isdigit", "isdecimal", "isnumeric",
                   "isalpha", "isalnum", "isspace", "isupper", "islower", "istitle", "isprintable"):
            add(f"{op}\t{hx(s)}", lambda s=s, op=op: getattr(s, op)())
        t = random_text(rng, 6, small)
        add(f"compare\t{hx(s)}\t{hx(t)}", lambda s=s, t=t: (s > t) - (s < t))
    compare(programs, cases)


def test_unicode_database_all_code_points(programs: Programs) -> None:
    """Every code point through is*() and the case mappings, against CPython 3.12."""
    done = run(programs.get("ucd_dump"))
    assert done.returncode == 0, done.stderr
    got = done.stdout.split("\n")

    def h(s: str) -> str:
        return s.encode("utf-8", "surrogatepass").hex()

    bad = []
    for cp in range(0x110000):
        c = chr(cp)
        bits = "".join("1" if b else "0" for b in (
            c.isalpha(), c.isdecimal(), c.isdigit(), c.isnumeric(), c.isspace(), c.islower(), c.isupper(),
            c.istitle(), c.isprintable(), c.isalnum()))
        expected = "\t".join((bits, h(c.upper()), h(c.lower()), h(c.title()), h(c.swapcase()), h(c.capitalize())))
        if got[cp] != expected:
            bad.append(f"U+{cp:04X}: runtime {got[cp]!r} CPython {expected!r}")
            if len(bad) > 20:
                break
    assert not bad, "\n".join(bad)


def test_int_and_float_parsing(programs: Programs) -> None:
    rng = random.Random(23)
    pieces = ["1", "23", "0", "9", "_", "__", "+", "-", " ", "\t", "\n", "\xa0", "\u3000", "\u0661", "\u0966", ".",
              "e", "E", "e-", "x", "inf", "Infinity", "nan", "NaN", "\x1c", "\x00", "1e5", "0x1", "\u00b2",
              "9999999999", "00"]
    texts = ["", " ", "0", "-0", "+5", " 1_000 ", "1__0", "_1", "1_", "9223372036854775807", "-9223372036854775808",
             "9223372036854775808", "x" * 300, "1" * 4301, "1" * 4300 + "x", ".5", "5.", ".", "e5", "1e", "1e+",
             "-inf", "+nan", "infinityx", "1_0.5", "1._5", "1e1_0", "0x10", "1.5e308", "1e400", "\u0661\u0662.5"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 6))) for _ in range(6000)]

    def to_int(t: str) -> int:
        r = int(t)
        if not -2**63 <= r < 2**63:  # PyVM ints are int64: the documented divergence
            raise OverflowError("integer overflow")
        return r
    cases = [(f"int\t{hx(t)}", lambda t=t: to_int(t)) for t in texts]
    cases += [(f"float\t{hx(t)}", lambda t=t: repr(float(t))) for t in texts]
    compare(programs, cases)


def test_round(programs: Programs) -> None:
    rng = random.Random(31)
    values = EDGE_FLOATS + random_floats(rng, 3000) + [rng.randint(-10**6, 10**6) / 8 for _ in range(2000)]
    values += [x + 0.5 for x in range(-20, 20)] + [2.675, 0.285, 1.005, 1234.5, 5e-324 * 3]
    cases = []
    for v in values:
        for n in rng.sample([-400, -309, -308, -30, -5, -2, -1, 0, 1, 2, 3, 5, 10, 17, 22, 300, 323, 324, 400], 4):
            cases.append((f"fround\t{fbits(v)}\t{n}", lambda v=v, n=n: repr(round(v, n))))
        cases.append((f"fround0\t{fbits(v)}", lambda v=v: round(v) if abs(v) < 9.2e18 or v != v or abs(v) == float("inf")
                      else "!OverflowError: integer overflow"))
    ints = INT_VALUES + [rng.randint(-10**18, 10**18) for _ in range(500)] + [15, 25, -15, 150, 250, 1250, 1350]
    for i in ints:
        for n in (-40, -19, -18, -5, -2, -1, 0, 3):
            def exp(i=i, n=n):
                r = round(i, n)
                if not -2**63 <= r < 2**63:
                    raise OverflowError("integer overflow")
                return r
            cases.append((f"iround\t{i}\t{n}", exp))
    compare(programs, cases)


def test_hashes(programs: Programs) -> None:
    rng = random.Random(41)
    texts = ["", "a", "abc", "\xe9", "\u6f22\u5b57", "\U0001F600", "a" * 7, "a" * 8, "a" * 9, "x" * 1000]
    texts += [random_text(rng, 20) for _ in range(2000)]
    # str hashes are randomised per process unless PYTHONHASHSEED=0, whose key the runtime uses.
    code = "import sys\nfor l in sys.stdin: print(hash(bytes.fromhex(l.strip()).decode('utf-8','surrogatepass')))"
    done = subprocess.run([sys.executable, "-c", code], input="\n".join(hx(t) for t in texts) + "\n",
                          capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    expected_str = done.stdout.split()
    cases = [(f"shash\t{hx(t)}", lambda e=e: e) for t, e in zip(texts, expected_str)]
    # nan hashes by object identity in CPython 3.12: nothing to compare.
    floats = [v for v in EDGE_FLOATS + random_floats(rng, 2000) if v == v]
    cases += [(f"fhash\t{fbits(v)}", lambda v=v: hash(v)) for v in floats]
    ints = INT_VALUES + [rng.randint(-2**63, 2**63 - 1) for _ in range(2000)] + [2**61 - 2, 2**61 - 1, 2**61, -2**61]
    cases += [(f"ihash\t{i}", lambda i=i: hash(i)) for i in ints]
    compare(programs, cases)


def test_float_arithmetic(programs: Programs) -> None:
    rng = random.Random(43)
    specials = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, -3.0, 1e308, -1e308, 1e-300, float("inf"), float("-inf"),
                float("nan"), 7.0, -7.0, 0.1, 10.0, 2.5, 1e16, 1e-16]
    pool = specials + random_floats(rng, 150) + [float(rng.randint(-50, 50)) for _ in range(50)]
    cases = []
    for _ in range(12000):
        a, b = rng.choice(pool), rng.choice(pool)
        cases.append((f"ffloordiv\t{fbits(a)}\t{fbits(b)}", lambda a=a, b=b: repr(a // b)))
        cases.append((f"fmod\t{fbits(a)}\t{fbits(b)}", lambda a=a, b=b: repr(a % b)))

        def fpow(a=a, b=b):
            # Where CPython answers a complex number (or fails computing one), PyVM, which has no
            # complex type, raises ValueError: math domain error.
            try:
                r = a ** b
            except OverflowError as exc:
                if str(exc) == "complex exponentiation":
                    raise ValueError("math domain error") from None
                raise
            if isinstance(r, complex):
                raise ValueError("math domain error")
            return repr(r)
        cases.append((f"fpow\t{fbits(a)}\t{fbits(b)}", fpow))
    for v in pool:
        def f2i(v=v):
            r = int(v)
            if not -2**63 <= r < 2**63:
                raise OverflowError("integer overflow")
            return r
        cases.append((f"f2i\t{fbits(v)}", f2i))
    ints = INT_VALUES + [rng.randint(-2**63, 2**63 - 1) for _ in range(3000)] + [rng.randint(-99, 99) for _ in range(200)]
    for _ in range(6000):
        a, b = rng.choice(ints), rng.choice(ints + [0])
        cases.append((f"itruediv\t{a}\t{b}", lambda a=a, b=b: repr(a / b)))
    for _ in range(3000):
        a, b = rng.randint(-40, 40), rng.randint(0, 70)

        def ipow(a=a, b=b):
            r = a ** b
            if not -2**63 <= r < 2**63:
                raise OverflowError("integer overflow")
            return r
        cases.append((f"ipow\t{a}\t{b}", ipow))
    for _ in range(2000):
        xs = [rng.choice(pool) for _ in range(rng.randint(1, 12))]
        cases.append((f"fsum\t{','.join(fbits(x) for x in xs)}", lambda xs=xs: repr(sum(xs) + 0.0)))
    compare(programs, cases)


def list_cases(rng: random.Random, count: int) -> list[tuple[str, object]]:
    """Slicing, slice deletion and assignment, insert/pop/index on list(range(n)) against CPython."""
    cases = []
    for _ in range(count):
        n = rng.randint(0, 9)
        start, stop = rng.randint(-12, 12), rng.randint(-12, 12)
        step = rng.choice([1, 1, 2, 3, -1, -2, -3, 0])
        fl = rng.randint(0, 7)
        sl = slice(None if fl & 1 else start, None if fl & 2 else stop, None if fl & 4 else step)
        m = rng.randint(0, 4)
        i = rng.randint(-12, 12)

        def slice_(n=n, sl=sl):
            return repr(list(range(n))[sl])

        def del_(n=n, sl=sl):
            a = list(range(n))
            del a[sl]
            return repr(a)

        def set_(n=n, sl=sl, m=m):
            a = list(range(n))
            a[sl] = list(range(100, 100 + m))
            return repr(a)

        def insert(n=n, i=i):
            a = list(range(n))
            a.insert(i, 99)
            return repr(a)

        def pop(n=n, i=i):
            a = list(range(n))
            return f"{a.pop(i)} {a!r}"

        def delitem(n=n, i=i):
            a = list(range(n))
            del a[i]
            return repr(a)

        def get(n=n, i=i):
            a = list(range(n))
            return f"{a[i]} {a!r}"

        def index(n=n, v=rng.randint(-1, 9), sl=sl):
            a = list(range(n))
            args = [x for x in (sl.start, sl.stop) if x is not None] if sl.start is not None else []
            return f"{a.index(v, *args)} {a!r}"

        def mul(n=n, i=i):
            return repr(list(range(n)) * i)

        sargs = f"{start}:{stop}:{step}:{fl}"
        cases += [(f"list\t{n}\tslice:{sargs}", slice_), (f"list\t{n}\tdel:{sargs}", del_),
                  (f"list\t{n}\tset:{sargs}:{m}", set_), (f"list\t{n}\tinsert:{i}", insert),
                  (f"list\t{n}\tpop:{i}", pop), (f"list\t{n}\tdelitem:{i}", delitem),
                  (f"list\t{n}\tget:{i}", get), (f"list\t{n}\tmul:{i}", mul)]
        v = index.__defaults__[1]
        ifl = 0 if sl.start is not None and sl.stop is not None else (3 if sl.start is None else 2)
        cases.append((f"list\t{n}\tindex:{v}:{start}:{stop}:{ifl}", index))
    return cases


def dict_cases(rng: random.Random, count: int) -> list[tuple[str, object]]:
    """Random mutation sequences on a dict[int, int]: insertion order, holes, resizes, errors."""
    cases = []
    for _ in range(count):
        steps = []
        for _ in range(rng.randint(1, 60)):
            op = rng.choice("sssssddppqgtiuc" if rng.random() < 0.1 else "sssssddppqgtiu")
            k, v = rng.randint(-5, 25), rng.randint(0, 99)
            steps.append(f"{op}:{k}:{v}")

        def play(steps=tuple(steps)):
            d: dict[int, int] = {}
            for step in steps:
                op, k, v = step[0], *map(int, step[2:].split(":"))
                if op == "s":
                    d[k] = v
                elif op == "d":
                    del d[k]
                elif op == "p":
                    d.pop(k)
                elif op == "q":
                    d.pop(k, v)
                elif op == "g":
                    d[k]
                elif op == "t":
                    d.setdefault(k, v)
                elif op == "i":
                    d.popitem()
                elif op == "u":
                    d = d.copy()
                else:
                    d.clear()
            return repr(d)
        cases.append((f"dict\t{','.join(steps)}", play))
    return cases


def test_lists_and_dicts(programs: Programs) -> None:
    rng = random.Random(59)
    compare(programs, list_cases(rng, 3000) + dict_cases(rng, 3000))


def test_differential_under_sanitizers(programs: Programs) -> None:
    """A cross-section of the differential inputs through the ASan/UBSan build of the driver."""
    rng = random.Random(3)
    specs = generated_specs(rng, 400)
    cases = [(f"frepr\t{fbits(v)}", lambda v=v: repr(v)) for v in EDGE_FLOATS + random_floats(rng, 2000)]
    cases += [(f"ffmt\t{fbits(v)}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in specs for v in rng.sample(EDGE_FLOATS, 3)]
    cases += [(f"ifmt\t{v}\t{hx(s)}", lambda v=v, s=s: format(v, s)) for s in specs for v in rng.sample(INT_VALUES, 3)]
    texts = [random_text(rng, 16) for _ in range(500)]
    cases += [(f"srepr\t{hx(t)}", lambda t=t: repr(t)) for t in texts]
    cases += [(f"split\t{hx(t)}\t-\t-1", lambda t=t: repr(t.split())) for t in texts]
    cases += [(f"upper\t{hx(t)}", lambda t=t: t.upper()) for t in texts]
    cases += [(f"lower\t{hx(t)}", lambda t=t: t.lower()) for t in texts]
    cases += [(f"float\t{hx(t)}", lambda t=t: repr(float(t))) for t in ["1_0", " 2e5 ", "x", "-inf"]]
    cases += [(f"fround\t{fbits(v)}\t{n}", lambda v=v, n=n: repr(round(v, n))) for v in EDGE_FLOATS for n in (-3, 0, 2)]
    cases += list_cases(rng, 300) + dict_cases(rng, 300)
    compare(programs, cases, sanitize=True)


# ---------------------------------------------------------------------------------------------
# 3. whole-program scenarios against CPython

SCENARIOS = {
    "zerodiv": """\
        def f(x):
            return 10 // x

        def main():
            print("start")
            f(0)

        main()
        """,
    "recursion": """\
        def f(n):
            return f(n + 1)

        def main():
            f(0)

        main()
        """,
    "repeated": """\
        def f(n):
            if n == 0:
                raise ValueError("deep \u00e9")
            return f(n - 1)
        def main():
            f(5)
        main()
        """,
    "assertion": """\
        def main():
            print(1)
            assert 1 == 2

        main()
        """,
    "keyerror": """\
        def main():
            d = {"a": 1}
            print(d["b"])

        main()
        """,
    "exit3": """\
        import sys
        print("bye")
        sys.exit(3)
        """,
    "status258": """\
        import sys
        sys.exit(258)
        """,
    "printing": """\
        print({"k\u00e9y": [(1, 0.1)]})
        print(1e16, -5, "\u6f22\U0001F600")
        for i in range(20000):
            print(i)
        """,
}


def without_source_lines(stderr: str) -> str:
    """CPython also prints the source line and carets under each frame; the runtime has no source."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("    "))


@pytest.mark.parametrize("sanitize", [False, True], ids=["O2", "asan-ubsan"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_program_scenario(programs: Programs, tmp_path: Path, scenario: str, sanitize: bool) -> None:
    (tmp_path / "main.py").write_text(textwrap.dedent(SCENARIOS[scenario]), encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONUNBUFFERED", None)
    ref = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, env=env,
                         encoding="utf-8")
    got = run(programs.get("prog_scenarios", sanitize), env={"PYVM_SCENARIO": scenario}, sanitize=sanitize)
    assert got.returncode == ref.returncode
    assert got.stdout == ref.stdout
    # CPython names the script by its absolute path; compiled programs pass the project-relative name.
    assert got.stderr == without_source_lines(ref.stderr.replace(str(tmp_path / "main.py"), "main.py"))


def test_invalid_type_spec_aborts_with_message(programs: Programs) -> None:
    got = run(programs.get("prog_scenarios"), env={"PYVM_SCENARIO": "badspec"})
    assert got.returncode != 0
    assert 'invalid type spec "L(q)"' in got.stderr


# ---------------------------------------------------------------------------------------------
# the build module


def test_library_paths_and_cache_reuse() -> None:
    static, shared = rb.runtime_library("static"), rb.runtime_library("shared")
    assert static.name == "libpyvmrt.a" and shared.name == "libpyvmrt.so"
    assert static.parent == shared.parent and static.is_file() and shared.is_file()
    mtime = static.stat().st_mtime_ns
    assert rb.runtime_library("static") == static and static.stat().st_mtime_ns == mtime
    assert (rb.runtime_include_dir() / "pyvm" / "rt.h").is_file()
    with pytest.raises(ValueError):
        rb.runtime_library("dynamic")


def test_main_only_in_static_library() -> None:
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm not installed")

    def defined(lib: Path, *extra: str) -> set[str]:
        out = subprocess.run([nm, *extra, "--defined-only", str(lib)], capture_output=True, text=True).stdout
        return {line.split()[-1] for line in out.splitlines() if len(line.split()) >= 3}

    assert "main" in defined(rb.runtime_library("static"))
    shared = defined(rb.runtime_library("shared"), "-D")
    assert "main" not in shared
    assert {"pyvm_rt_init", "pyvm_frame_enter", "pyvm_alloc", "pyvm_float_repr", "pyvm_rt_run_main"} <= shared


def header_functions() -> set[str]:
    """Every pyvm_* function the runtime's headers declare or define (what compiled code may call)."""
    import re
    names = set()
    for header in rb.runtime_headers():
        text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.DOTALL)
        names |= set(re.findall(r"^[A-Za-z_][\w \t\*]*?\b(pyvm_\w+)\s*\(", text, flags=re.MULTILINE))
    return names


def test_every_header_function_is_exported() -> None:
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm not installed")
    out = subprocess.run([nm, "-D", "--defined-only", str(rb.runtime_library("shared"))],
                         capture_output=True, text=True).stdout
    exported = {line.split()[-1] for line in out.splitlines()}
    declared = header_functions() - {"pyvm_program_main"}  # the compiled program provides it
    assert len(declared) > 150
    assert sorted(declared - exported) == []


def test_shared_library_in_process() -> None:
    lib = ctypes.CDLL(str(rb.runtime_library("shared")))
    lib.pyvm_rt_init()
    lib.pyvm_float_repr.restype = ctypes.c_void_p
    lib.pyvm_float_repr.argtypes = [ctypes.c_double]
    lib.pyvm_str_utf8.restype = ctypes.c_char_p
    lib.pyvm_str_utf8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    assert lib.pyvm_str_utf8(lib.pyvm_float_repr(0.1 + 0.2), None) == b"0.30000000000000004"
    lib.pyvm_type_intern.restype = ctypes.c_void_p
    lib.pyvm_type_intern.argtypes = [ctypes.c_char_p]
    assert lib.pyvm_type_intern(b"L(i)") == lib.pyvm_type_intern(b"L(i)")


def test_concurrent_builds_are_atomic(tmp_path: Path) -> None:
    """Several processes building into an empty cache all get the same complete library."""
    env = {**os.environ, "PYVM_CACHE": str(tmp_path / "cache")}
    code = ("from pyvm.toolchain.runtime_build import runtime_library as r; "
            "print(r('static')); print(r('shared'))")
    src = str(Path(rb.__file__).resolve().parents[2])

    def build(_: int) -> str:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**env, "PYTHONPATH": src}, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(build, range(4)))
    assert len(set(outputs)) == 1
    folder = Path(outputs[0].split()[0]).parent
    assert sorted(p.name for p in folder.iterdir()) == ["libpyvmrt.a", "libpyvmrt.so"]
    # No half-built temporary folders are left behind.
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_compiler_errors_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_cc = tmp_path / "fakecc"
    fake_cc.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo fakecc 1.0; exit 0; fi\n"
                       "echo 'core/str.c:1: error: something is wrong' >&2\nexit 1\n")
    fake_cc.chmod(0o755)
    monkeypatch.setenv("CC", str(fake_cc))
    monkeypatch.setenv("PYVM_CACHE", str(tmp_path / "cache"))
    with pytest.raises(rb.RuntimeBuildError, match="something is wrong") as info:
        rb.runtime_library("static")
    assert "compiling runtime/" in str(info.value)
    assert not any(p.name.startswith(".build-") for p in (tmp_path / "cache" / "runtime").iterdir())


def test_build_key_tracks_sources_and_flags() -> None:
    assert rb.build_key() == rb.build_key()
    assert rb.build_key(sanitize=True) != rb.build_key()
    assert {p.name for p in rb.runtime_sources()} >= {"str.c", "entry.c", "format.c", "error.c", "dict.c"}
