"""Type inference: instances per argument types, unification across statements, errors with positions."""

import textwrap

import pytest

from pyvm.diagnostics import CompileError
from pyvm.frontend import check_program
from pyvm.frontend.types import resolve
from pyvm.validate import validate_project


def check(tmp_path, source: str, **modules):
    (tmp_path / "main.py").write_text(textwrap.dedent(source))
    for name, text in modules.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
    return check_program(validate_project(str(tmp_path)))


def signatures(checker) -> set[str]:
    out = set()
    for inst in checker.instances.values():
        params = ", ".join(str(resolve(t)) for t in inst.param_types)
        out.add(f"{inst.func.qualname}({params}) -> {resolve(inst.ret)}")
    return out


def reject(tmp_path, source: str) -> tuple[str, int, int]:
    with pytest.raises(CompileError) as exc:
        check(tmp_path, source)
    d = exc.value.diagnostics[0]
    return d.message, d.location.line, d.location.column


def test_unannotated_function_is_instantiated_per_argument_types(tmp_path):
    c = check(tmp_path, """
        def twice(x):
            return x + x
        def main():
            print(twice(2), twice(1.5), twice("ab"), twice([1]))
    """)
    assert {"twice(int) -> int", "twice(float) -> float", "twice(str) -> str",
            "twice(list[int]) -> list[int]"} <= signatures(c)


def test_empty_list_is_settled_by_a_later_append(tmp_path):
    c = check(tmp_path, """
        def main():
            xs = []
            for i in range(3):
                xs.append(i * 0.5)
            return len(xs)
    """)
    main = c.main_instance
    assert str(resolve(main.vars["xs"])) == "list[float]"


def test_recursion_types_from_the_base_case(tmp_path):
    c = check(tmp_path, """
        def count(n):
            return 0 if n == 0 else 1 + count(n - 1)
        def main():
            print(count(3))
    """)
    assert "count(int) -> int" in signatures(c)


def test_mutual_recursion_with_tuples(tmp_path):
    c = check(tmp_path, """
        def even(n):
            if n == 0:
                return True, 0
            ok, depth = odd(n - 1)
            return ok, depth + 1
        def odd(n):
            if n == 0:
                return False, 0
            ok, depth = even(n - 1)
            return ok, depth + 1
        def main():
            print(even(4))
    """)
    assert "even(int) -> tuple[bool, int]" in signatures(c)


def test_different_functions_in_one_list_share_one_signature(tmp_path):
    c = check(tmp_path, """
        def inc(x):
            return x + 1
        def main():
            ops = [inc, lambda v: v * 2]
            print([f(10) for f in ops])
    """)
    assert "inc(int) -> int" in signatures(c) and "main.<locals>.<lambda>(int) -> int" in signatures(c)


@pytest.mark.parametrize("source, message, line", [
    ("def main():\n    x = 1\n    x = 'a'\n", "'x' has type str here but int elsewhere", 3),
    ("def main():\n    return 1 + 'a'\n", "unsupported operand types for +: 'int' and 'str'", 2),
    ("class A:\n    pass\ndef main():\n    pass\n", "unsupported: class definitions", 1),
    ("def main():\n    try:\n        pass\n    except E:\n        pass\n", "unsupported: try statements", 2),
    ("def f(a, b):\n    return a\ndef main():\n    f(1, 2, 3)\n",
     "f() takes 2 positional arguments but 3 were given", 4),
    ("def main():\n    print(undefined_name)\n", "name 'undefined_name' is not defined", 2),
    ("def g():\n    yield 1\ndef main():\n    g()\n", "unsupported: generators (yield)", 2),
    ("def main():\n    d = {'a': 1}\n    return d.get('a')\n", "unsupported: dict.get without a default", 3),
])
def test_rejections_point_at_the_source(tmp_path, source, message, line):
    got, got_line, _ = reject(tmp_path, source)
    assert message in got and got_line == line


def test_annotation_is_checked(tmp_path):
    message, line, _ = reject(tmp_path, "def f(x: int) -> str:\n    return x\ndef main():\n    f(1)\n")
    assert "return value is annotated str but has type int" in message and line == 2  # the return
    message, line, _ = reject(tmp_path, "def f(x: int) -> int:\n    return x\ndef main():\n    f('a')\n")
    assert "argument 'x' is annotated int but has type str" in message and line == 4  # the call
