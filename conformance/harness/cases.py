"""Loading a case folder and materialising it in a temporary directory."""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN_FILE = "expected"
CASE_FILE = "case.toml"
PROJECT_DIR = "project"


@dataclass
class Suite:
    name: str
    folder: Path
    runner: str  # key into harness.runners.RUNNERS
    args: list[str]  # default arguments; "{project}" stands for the project path
    stderr: str = "full"  # "full" or "last-line": how much of stderr the golden file pins
    golden_source: str = "self"  # "self": reviewed pyvm output; "cpython": CPython 3.12 runs the case
    timeout: float = 60.0
    min_cases: int = 0
    forbid_traceback: bool = True  # a Python traceback from pyvm itself fails the case, golden or not
    variants: list[str] = field(default_factory=list)  # runners that build/run a program several ways
    enabled: bool = True  # false: skipped at collection (e.g. until the compiler it tests exists)
    env: dict[str, str] = field(default_factory=dict)  # for every case; a case.toml `env` overrides it

    @classmethod
    def load(cls, suite_toml: Path) -> "Suite":
        with open(suite_toml, "rb") as f:
            raw = tomllib.load(f)
        return cls(name=raw.get("name", suite_toml.parent.name), folder=suite_toml.parent,
                   runner=raw["runner"], args=list(raw.get("args", ["{project}"])),
                   stderr=raw.get("stderr", "full"), golden_source=raw.get("golden", "self"),
                   timeout=float(raw.get("timeout", 60)), min_cases=int(raw.get("min_cases", 0)),
                   forbid_traceback=bool(raw.get("forbid_traceback", True)),
                   variants=list(raw.get("variants", [])), enabled=bool(raw.get("enabled", True)),
                   env={str(k): str(v) for k, v in raw.get("env", {}).items()})

    def case_folders(self) -> list[Path]:
        return sorted(p for p in self.folder.iterdir()
                      if p.is_dir() and ((p / GOLDEN_FILE).exists() or (p / CASE_FILE).exists()
                                         or (p / PROJECT_DIR).exists()))


@dataclass
class Case:
    suite: Suite
    folder: Path
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    setup: list[dict] = field(default_factory=list)
    description: str = ""
    command: str = "pyvm"  # or "pyvm_compiler", seed 000's spelling
    timeout: float | None = None  # seconds per command; None: the suite's timeout
    # Pinned essence of a rejection, checked on every run so a regenerated golden cannot drift:
    # stderr must contain expect_message and the location "project/<expect_file>:<expect_line>:".
    expect_message: str | None = None
    expect_line: int | None = None
    expect_file: str = "main.py"

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def golden_path(self) -> Path:
        return self.folder / GOLDEN_FILE

    @classmethod
    def load(cls, suite: Suite, folder: Path) -> "Case":
        raw: dict = {}
        if (folder / CASE_FILE).exists():
            with open(folder / CASE_FILE, "rb") as f:
                raw = tomllib.load(f)
        return cls(suite, folder, list(raw.get("args", suite.args)), {**suite.env, **raw.get("env", {})},
                   list(raw.get("setup", [])), raw.get("description", ""), raw.get("command", "pyvm"),
                   float(raw["timeout"]) if "timeout" in raw else None,
                   raw.get("expect_message"),
                   int(raw["expect_line"]) if "expect_line" in raw else None,
                   raw.get("expect_file", "main.py"))

    @property
    def time_limit(self) -> float:
        return self.timeout if self.timeout is not None else self.suite.timeout

    def materialise(self, workdir: Path) -> None:
        """Copy the project into workdir/project and apply the setup steps."""
        source = self.folder / PROJECT_DIR
        if source.exists():
            shutil.copytree(source, workdir / PROJECT_DIR, symlinks=True)
        for step in self.setup:
            apply_setup_step(workdir, step)


def apply_setup_step(workdir: Path, step: dict) -> None:
    """Setup steps build what git cannot store or should not: permissions, loops, huge or deep trees."""
    kind = step["do"]
    target = workdir / step["path"]
    if kind == "mkdir":
        target.mkdir(parents=True, exist_ok=True)
    elif kind == "symlink":
        target.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(step["to"], target)
    elif kind == "chmod":
        os.chmod(target, int(step["mode"], 8))
    elif kind == "mkfifo":
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(target)
    elif kind == "write":  # head + filler repeated up to `size` bytes + tail
        target.parent.mkdir(parents=True, exist_ok=True)
        head, tail = step.get("head", "").encode(), step.get("tail", "").encode()
        filler = step.get("filler", "").encode()
        size = int(step.get("size", 0))
        body = b""
        if filler and size > len(head) + len(tail):
            count = (size - len(head) - len(tail)) // len(filler)
            body = filler * count
        target.write_bytes(head + body + tail)
    elif kind == "write-bytes":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes.fromhex(step["hex"]))
    elif kind == "nest":  # `depth` folders named `name` inside each other, with `file` at the bottom
        folder = target
        for _ in range(int(step["depth"])):
            folder = folder / step.get("name", "d")
        folder.mkdir(parents=True, exist_ok=True)
        if "file" in step:
            (folder / step["file"]).write_text(step.get("content", ""))
    else:
        raise ValueError(f"unknown setup step {kind!r}")
