"""Rule 1: the project tree holds exactly one `main.py`.

The walk is iterative (no recursion limit), skips hidden folders, `__pycache__` and virtual
environments (a folder holding `pyvenv.cfg`), follows symlinked folders at most once each (a
(device, inode) set makes symlink loops harmless), and gives up with a clear error past
`MAX_DEPTH` folders deep or `MAX_ENTRIES` entries, so no input can hang it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pyvm.diagnostics import CompileError, Diagnostic, Location

MAX_DEPTH = 128
MAX_ENTRIES = 500_000
ENTRY_FILE = "main.py"


@dataclass(frozen=True)
class ProjectPath:
    """A path inside the project as the user should see it: relative to what they typed."""

    real: Path
    shown: str


def _error(rule: str, message: str, *notes: str, file: str | None = None) -> CompileError:
    return CompileError(Diagnostic(rule, message, Location(file) if file else None, tuple(notes)))


def _is_skipped_folder(entry: os.DirEntry) -> bool:
    if entry.name.startswith(".") or entry.name == "__pycache__":
        return True
    return os.path.isfile(os.path.join(entry.path, "pyvenv.cfg"))


def resolve_project_root(user_path: str) -> tuple[ProjectPath, ProjectPath | None]:
    """Turn the PATH argument into (project root, main.py the user named, if they named one)."""
    path = Path(user_path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _error("path", f"No such file or folder: '{user_path}'") from None
    except OSError as exc:
        raise _error("path", f"Cannot access '{user_path}': {exc.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        if path.name == ENTRY_FILE:
            raise _error("main-py-not-file", f"'{user_path}' is a folder, not a file",
                         "give the project folder or the main.py file inside it")
        return ProjectPath(path, user_path), None
    if path.name != ENTRY_FILE:
        raise _error("main-py-name", f"'{user_path}' is not main.py",
                     "the entry file must be named main.py; give the project folder or its main.py")
    parent = os.path.dirname(user_path) or "."
    return ProjectPath(path.parent, parent), ProjectPath(path, user_path)


def shown_path(root: ProjectPath, real: str) -> str:
    rel = os.path.relpath(real, root.real)
    if rel == ".":
        return root.shown
    return rel if root.shown == "." else os.path.join(root.shown, rel)


def _abbreviated(path: str, keep: int = 3) -> str:
    parts = path.split(os.sep)
    if len(parts) <= 2 * keep + 1:
        return path
    return os.sep.join(parts[:keep] + [f"... {len(parts) - 2 * keep} more ..."] + parts[-keep:])


def find_main_files(root: ProjectPath) -> tuple[list[ProjectPath], list[ProjectPath], list[ProjectPath]]:
    """Walk the tree; return (main.py files, folders named main.py, other .py files at the root)."""
    mains: list[ProjectPath] = []
    main_folders: list[ProjectPath] = []
    root_py: list[ProjectPath] = []
    seen: set[tuple[int, int]] = set()
    root_st = os.stat(root.real)
    seen.add((root_st.st_dev, root_st.st_ino))
    pending: list[tuple[str, int]] = [(str(root.real), 0)]
    entries = 0
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as it:
                children = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise _error("unreadable-folder", f"Cannot read folder '{shown_path(root, folder)}': {exc.strerror}",
                         file=shown_path(root, folder)) from None
        entries += len(children)
        if entries > MAX_ENTRIES:
            raise _error("tree-too-large", f"Project tree has more than {MAX_ENTRIES} entries",
                         "point PyVM at the project folder, not a parent of it")
        for entry in children:
            try:
                is_dir = entry.is_dir()  # follows symlinks: a symlinked package is part of the project
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name == ENTRY_FILE:
                    main_folders.append(ProjectPath(Path(entry.path), shown_path(root, entry.path)))
                    continue
                if _is_skipped_folder(entry):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                key = (st.st_dev, st.st_ino)
                if key in seen:  # a symlink loop or a second link to a folder already walked
                    continue
                seen.add(key)
                if depth + 1 > MAX_DEPTH:
                    raise _error("tree-too-deep", f"Project tree is more than {MAX_DEPTH} folders deep",
                                 f"at '{_abbreviated(shown_path(root, entry.path))}'")
                pending.append((entry.path, depth + 1))
            elif entry.name == ENTRY_FILE:
                mains.append(ProjectPath(Path(entry.path), shown_path(root, entry.path)))
            elif depth == 0 and entry.name.endswith(".py"):
                root_py.append(ProjectPath(Path(entry.path), shown_path(root, entry.path)))
    mains.sort(key=lambda p: p.shown)
    return mains, main_folders, root_py


def find_single_main(user_path: str) -> tuple[ProjectPath, ProjectPath]:
    """Rule 1. Returns (project root, its one main.py) or raises CompileError."""
    root, named_main = resolve_project_root(user_path)
    mains, main_folders, root_py = find_main_files(root)
    if not mains:
        if main_folders:
            raise _error("main-py-not-file", f"'{main_folders[0].shown}' is a folder, not a file",
                         "the entry point must be a file named main.py", file=main_folders[0].shown)
        notes = ["the project needs exactly one file named main.py"]
        if root_py:
            notes.append("found " + ", ".join(p.real.name for p in root_py) + "; rename the entry file to main.py")
        raise _error("main-py-count", f"No main.py found in '{root.shown}'", *notes)
    if len(mains) > 1:
        raise _error("main-py-count", f"Found {len(mains)} main.py files; exactly 1 is allowed",
                     *[f"main.py at '{m.shown}'" for m in mains])
    main = mains[0]
    if named_main is not None:
        main = ProjectPath(main.real, named_main.shown)
    return root, main
