"""Which project files a module imports: `import helpers`, `from pkg import mod`, relative imports.

Resolution follows CPython's for a script: the search root is main.py's folder. Names that resolve
to no file in the project (the standard library, `pyvm`) are not project modules.
"""

from __future__ import annotations

import ast
from pathlib import Path


def _module_file(root: Path, dotted: str) -> list[Path]:
    """Files that importing `dotted` executes: each package's __init__.py, then the module."""
    files: list[Path] = []
    folder = root
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        package_init = folder / part / "__init__.py"
        module = folder / f"{part}.py"
        if package_init.is_file():
            files.append(package_init)
        elif last and module.is_file():
            files.append(module)
            break
        elif not (folder / part).is_dir():
            return files if i > 0 else []
        folder = folder / part
    return files


def imported_files(tree: ast.Module, this_file: Path, root: Path) -> list[Path]:
    files: list[Path] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                files.extend(_module_file(root, alias.name))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = this_file.parent
                for _ in range(node.level - 1):
                    base = base.parent
                start, module = base, node.module or ""
            else:
                start, module = root, node.module or ""
            if module:
                files.extend(_module_file(start, module))
                prefix = module + "."
            else:
                prefix = ""
            for alias in node.names:  # `from pkg import mod` may name a submodule
                if alias.name != "*":
                    sub = _module_file(start, prefix + alias.name)
                    files.extend(p for p in sub if p not in files)
    unique: list[Path] = []
    for f in files:
        if f not in unique:
            unique.append(f)
    return unique
