"""Unit tests of the three rules' building blocks; the golden suite covers the CLI end to end."""

import ast
import textwrap
from pathlib import Path

import pytest

from pyvm.diagnostics import CompileError
from pyvm.validate import validate_project
from pyvm.validate import syntax as syntax_module
from pyvm.validate.imports import imported_files
from pyvm.validate.main_function import module_level_mains
from pyvm.validate.project_tree import MAX_DEPTH, find_single_main


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def rule_of(exc: pytest.ExceptionInfo) -> str:
    return exc.value.diagnostics[0].rule


@pytest.mark.parametrize("source, lines", [
    ("def main(): pass", [1]),
    ("async def main(): pass", [1]),
    ("def main(): pass\ndef main(): pass", [1, 2]),
    ("x = 'def main(): pass'\n# def main(): pass", []),
    ("class A:\n    def main(self): pass", []),
    ("def f():\n    def main(): pass", []),
    ("if x:\n    def main(): pass\nelse:\n    def main(): pass", [2, 4]),
    ("try:\n    pass\nexcept E:\n    def main(): pass\nfinally:\n    def main(): pass", [4, 6]),
    ("match v:\n    case 1:\n        def main(): pass", [3]),
    ("main = lambda: 0", []),
])
def test_module_level_mains_counts_definitions_in_module_scope(source, lines):
    assert [n.lineno for n in module_level_mains(ast.parse(source))] == lines


def test_symlink_loop_terminates_and_counts_one_main(tmp_path):
    write(tmp_path, {"main.py": "def main(): pass\n", "pkg/a.py": "X = 1\n"})
    (tmp_path / "pkg" / "loop").symlink_to("..")
    root, main = find_single_main(str(tmp_path))
    assert main.real == tmp_path / "main.py"


def test_tree_deeper_than_limit_is_rejected(tmp_path):
    write(tmp_path, {"main.py": "def main(): pass\n"})
    deep = tmp_path.joinpath(*["d"] * (MAX_DEPTH + 1))
    deep.mkdir(parents=True)
    with pytest.raises(CompileError) as exc:
        find_single_main(str(tmp_path))
    assert rule_of(exc) == "tree-too-deep"


def test_virtualenv_is_skipped_but_plain_folder_is_not(tmp_path):
    write(tmp_path, {"main.py": "def main(): pass\n", "venv/pyvenv.cfg": "", "venv/main.py": "",
                     "other/main.py": ""})
    with pytest.raises(CompileError) as exc:
        find_single_main(str(tmp_path))
    assert exc.value.diagnostics[0].message == "Found 2 main.py files; exactly 1 is allowed"


def test_imports_resolve_modules_packages_and_submodules(tmp_path):
    write(tmp_path, {"main.py": "import helpers, os\nfrom pkg import sub\nfrom pkg.deep import leaf\n",
                     "helpers.py": "", "pkg/__init__.py": "", "pkg/sub.py": "",
                     "pkg/deep/__init__.py": "", "pkg/deep/leaf.py": ""})
    tree = ast.parse((tmp_path / "main.py").read_text())
    found = {p.relative_to(tmp_path).as_posix() for p in imported_files(tree, tmp_path / "main.py", tmp_path)}
    assert found == {"helpers.py", "pkg/__init__.py", "pkg/sub.py", "pkg/deep/__init__.py", "pkg/deep/leaf.py"}


def test_every_imported_module_is_compiled_transitively(tmp_path):
    write(tmp_path, {"main.py": "import a\ndef main(): pass\n", "a.py": "import b\n", "b.py": "def f(:\n"})
    with pytest.raises(CompileError) as exc:
        validate_project(str(tmp_path))
    assert exc.value.diagnostics[0].location.file.endswith("b.py")
    assert exc.value.diagnostics[0].location.line == 1


def test_compiler_level_errors_fail_rule_3(tmp_path):
    write(tmp_path, {"main.py": "def main():\n    await x\n"})
    with pytest.raises(CompileError) as exc:
        validate_project(str(tmp_path))
    diag = exc.value.diagnostics[0]
    assert (diag.rule, diag.location.line, diag.location.column) == ("syntax", 2, 5)
    assert diag.notes == ("'await' outside async function",)


def test_syntax_check_delegates_to_python312_when_host_is_not_312(tmp_path, monkeypatch):
    monkeypatch.setattr(syntax_module, "_host_is_python312", lambda: False)
    write(tmp_path, {"main.py": "def main():\n    print(t'hi {x}')\n"})
    with pytest.raises(CompileError) as exc:
        validate_project(str(tmp_path))
    assert exc.value.diagnostics[0].location.line == 2


def test_missing_python312_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(syntax_module, "_host_is_python312", lambda: False)
    monkeypatch.setattr(syntax_module, "find_python312", lambda: None)
    write(tmp_path, {"main.py": "def main(): pass\n"})
    with pytest.raises(CompileError) as exc:
        validate_project(str(tmp_path))
    assert rule_of(exc) == "python312-missing"
