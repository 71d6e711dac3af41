"""Strict project validation (seed 000): the three rules, in order, stopping at the first failure.

    rule 1  exactly one main.py in the project tree        (project_tree.py)
    rule 2  exactly one module-level main() in main.py      (main_function.py)
    rule 3  main.py and its project imports compile as CPython 3.12 compiles them  (syntax.py)
"""

from __future__ import annotations

import ast
from collections import deque
from dataclasses import dataclass, field

from pyvm.validate.imports import imported_files
from pyvm.validate.main_function import check_single_main
from pyvm.validate.project_tree import ProjectPath, find_single_main, shown_path
from pyvm.validate.source import SourceFile, read_source
from pyvm.validate.syntax import check_compiles, parse

CHECKS = (
    "Found exactly 1 main.py",
    "Found exactly 1 main() function",
    "Python 3.12 syntax valid",
)


@dataclass
class Project:
    root: ProjectPath
    main: SourceFile
    main_tree: ast.Module
    main_function: ast.FunctionDef | ast.AsyncFunctionDef
    modules: dict[str, SourceFile] = field(default_factory=dict)  # real path -> source, main.py first
    trees: dict[str, ast.Module] = field(default_factory=dict)


def validate_project(user_path: str) -> Project:
    root, main_path = find_single_main(user_path)  # rule 1
    main_source = read_source(main_path)
    main_tree = parse(main_source)  # a file that does not parse fails rule 3 already here
    main_function = check_single_main(main_tree, main_source)  # rule 2
    check_compiles(main_source)  # rule 3, main.py
    project = Project(root, main_source, main_tree, main_function)
    project.modules[str(main_path.real)] = main_source
    project.trees[str(main_path.real)] = main_tree
    search_root = main_path.real.parent
    pending = deque([(main_path.real, main_tree)])
    while pending:  # rule 3, every project module reachable through imports
        this_file, tree = pending.popleft()
        for path in imported_files(tree, this_file, search_root):
            key = str(path)
            if key in project.modules:
                continue
            shown = shown_path(root, str(path))
            source = read_source(ProjectPath(path, shown))
            module_tree = parse(source)
            check_compiles(source)
            project.modules[key] = source
            project.trees[key] = module_tree
            pending.append((path, module_tree))
    return project
