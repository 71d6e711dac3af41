"""Building the C runtime (runtime/**/*.c) on demand, cached by content.

There is no manual build step: `runtime_library()` returns the path of a library built from the
current sources, compiling them first if no build with the same sources, flags and compiler is
cached. The cache folder is keyed by a sha256 of all of that, so editing a runtime file simply
yields a new folder, and a stale library can never be picked up.

    runtime_library("static")  -> libpyvmrt.a   (-O2 -fPIC, includes entry.c's main; link native programs)
    runtime_library("shared")  -> libpyvmrt.so  (no main; ctypes / llvmlite JIT load it in-process)
    runtime_include_dir()      -> runtime/include   (#include "pyvm/rt.h")

Sources are every runtime/**/*.c plus the hand-written assembly runtime/**/*.S (the actor runtime's
context switch: one file per architecture, each guarded by #if, so only the host's assembles to
anything). `sanitize=True` (or "address") builds with ASan+UBSan, `sanitize="thread"` with TSan.

Builds are atomic: everything is compiled into a fresh temporary folder inside the cache root
which is then renamed into place, so concurrent builders (pytest-xdist workers, parallel nox
sessions) either see a complete folder or none; the loser of a rename race drops its copy.

Cache root: $PYVM_CACHE/runtime, else ~/.cache/pyvm/runtime. Compiler: $CC, else `cc`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

RUNTIME_DIR = Path(__file__).resolve().parents[3] / "runtime"
# Folders of runtime/ that are not part of the library; every other runtime/**/*.c is.
EXCLUDED_DIRS = frozenset({"tests", "tools"})
ENTRY_SOURCE = "entry.c"

BASE_FLAGS = ("-std=c11", "-D_GNU_SOURCE", "-fPIC", "-Wall", "-Wextra", "-fno-strict-aliasing")
RELEASE_FLAGS = ("-O2",)
# -O1 keeps sanitizer reports readable; -fno-sanitize-recover makes any finding fatal.
SANITIZE_FLAGS = ("-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address,undefined",
                  "-fno-sanitize-recover=all")
TSAN_FLAGS = ("-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=thread")
KINDS = {"static": "libpyvmrt.a", "shared": "libpyvmrt.so"}


class RuntimeBuildError(RuntimeError):
    """The C compiler (or archiver) failed; the message carries the command and its output."""


def runtime_include_dir() -> Path:
    return RUNTIME_DIR / "include"


def _library_files(pattern: str) -> list[Path]:
    return sorted(p for p in RUNTIME_DIR.rglob(pattern)
                  if p.relative_to(RUNTIME_DIR).parts[0] not in EXCLUDED_DIRS)


def runtime_sources() -> list[Path]:
    """Every .c and .S file of the runtime library, entry.c included (it is left out of the .so)."""
    return sorted(_library_files("*.c") + _library_files("*.S"))


def _sanitizer(sanitize: bool | str) -> str | None:
    """None, "address" (ASan + UBSan; what sanitize=True means) or "thread" (TSan)."""
    if sanitize in (False, None, ""):
        return None
    if sanitize is True or sanitize == "address":
        return "address"
    if sanitize == "thread":
        return "thread"
    raise ValueError(f"sanitize must be False, True, 'address' or 'thread', not {sanitize!r}")


def _sanitize_link(sanitize: bool | str) -> tuple[str, ...]:
    kind = _sanitizer(sanitize)
    return {"address": ("-fsanitize=address,undefined",), "thread": ("-fsanitize=thread",)}.get(kind, ())


def runtime_headers() -> list[Path]:
    return _library_files("*.h")


def compiler() -> str:
    return os.environ.get("CC") or "cc"


def compile_flags(sanitize: bool | str = False) -> list[str]:
    kind = _sanitizer(sanitize)
    mode = SANITIZE_FLAGS if kind == "address" else TSAN_FLAGS if kind == "thread" else RELEASE_FLAGS
    return [*BASE_FLAGS, *mode,
            "-I", str(runtime_include_dir()), "-I", str(RUNTIME_DIR / "core")]


def link_flags(sanitize: bool | str = False) -> list[str]:
    """What a program linked against the static library needs on its link line."""
    return [*_sanitize_link(sanitize), "-lm", "-lpthread"]


def cache_root() -> Path:
    base = os.environ.get("PYVM_CACHE")
    return (Path(base) if base else Path.home() / ".cache" / "pyvm") / "runtime"


@cache
def _compiler_identity(cc: str) -> str:
    try:
        done = subprocess.run([cc, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeBuildError(f"cannot run the C compiler {cc!r}: {exc}") from None
    return (shutil.which(cc) or cc) + "\n" + done.stdout


def build_key(sanitize: bool | str = False) -> str:
    """sha256 over compiler identity, flags and every runtime source and header (paths and bytes)."""
    h = hashlib.sha256()
    cc = compiler()
    h.update(_compiler_identity(cc).encode())
    h.update("\0".join(compile_flags(sanitize)).encode())
    for path in runtime_sources() + runtime_headers():
        h.update(str(path.relative_to(RUNTIME_DIR)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:32] + {"address": "-asan", "thread": "-tsan"}.get(_sanitizer(sanitize) or "", "")


def _run(cmd: list[str], what: str) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as exc:
        raise RuntimeBuildError(f"{what}: cannot run {cmd[0]!r}: {exc}") from None
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise RuntimeBuildError(f"{what} failed (exit {done.returncode}):\n  {' '.join(cmd)}\n{output}")


def _build_into(folder: Path, sanitize: bool | str) -> None:
    cc, flags = compiler(), compile_flags(sanitize)
    sources = runtime_sources()
    objects = {src: folder / (src.relative_to(RUNTIME_DIR).as_posix().replace("/", "__")[:-2] + ".o")
               for src in sources}

    def compile_one(src: Path) -> None:
        _run([cc, *flags, "-c", str(src), "-o", str(objects[src])], f"compiling runtime/{src.relative_to(RUNTIME_DIR)}")

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        list(pool.map(compile_one, sources))
    all_objects = [str(objects[s]) for s in sources]
    lib_objects = [str(objects[s]) for s in sources if s.name != ENTRY_SOURCE]
    ar = os.environ.get("AR") or "ar"
    _run([ar, "rcs", str(folder / KINDS["static"]), *all_objects], "archiving libpyvmrt.a")
    _run([cc, "-shared", *_sanitize_link(sanitize),
          "-o", str(folder / KINDS["shared"]), *lib_objects, "-lm", "-lpthread"], "linking libpyvmrt.so")
    for obj in all_objects:
        os.unlink(obj)


def runtime_build_dir(sanitize: bool | str = False) -> Path:
    """The cache folder holding both libraries for the current sources, building it if needed."""
    final = cache_root() / build_key(sanitize)
    if all((final / name).exists() for name in KINDS.values()):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=final.parent))
    try:
        _build_into(tmp, sanitize)
        if final.exists() and not all((final / name).exists() for name in KINDS.values()):
            shutil.rmtree(final, ignore_errors=True)  # a damaged cache entry: replace it
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process finished first (the folder exists and is complete): use theirs.
            if not all((final / name).exists() for name in KINDS.values()):
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def runtime_library(kind: str = "static", *, sanitize: bool | str = False) -> Path:
    """Path to libpyvmrt.a ("static") or libpyvmrt.so ("shared") built from the current sources."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    return runtime_build_dir(sanitize) / KINDS[kind]
