"""Typing and lowering of actors (compiler/pyvm/ACTORS.md): coroutines, await, the primitives, received
messages (narrowing, match, annotated assignments), frozen globals, safepoints."""

import textwrap

import pytest

from pyvm.diagnostics import CompileError
from pyvm.frontend import check_program
from pyvm.frontend.lower import lower_program
from pyvm.frontend.types import resolve
from pyvm.kir import print_module
from pyvm.validate import validate_project

HEADER = "from pyvm import spawn, send, receive, gather, self_pid, run, Pid, Supervisor, ChildSpec, start_supervisor\n"


def check(tmp_path, source: str):
    (tmp_path / "main.py").write_text(HEADER + textwrap.dedent(source))
    return check_program(validate_project(str(tmp_path)))


def signatures(checker) -> set[str]:
    return {f"{inst.func.qualname}({', '.join(str(resolve(t)) for t in inst.param_types)}) -> {resolve(inst.ret)}"
            for inst in checker.instances.values()}


def variables(checker, qualname: str) -> dict[str, str]:
    inst = next(i for i in checker.instances.values() if i.func.qualname == qualname)
    return {name: str(resolve(t, None)) for name, t in inst.vars.items()}


def reject(tmp_path, source: str) -> tuple[str, int]:
    with pytest.raises(CompileError) as exc:
        check(tmp_path, source)
    d = exc.value.diagnostics[0]
    return d.message, d.location.line - 1  # minus the import line


def test_coroutines_await_and_gather_types(tmp_path):
    c = check(tmp_path, """
        async def worker(i):
            return i * 2.5
        async def main():
            cs = [worker(i) for i in range(3)]
            results = await gather(cs)
            one = await worker(4)
            pid = spawn(worker(1))
            print(results, one, pid == self_pid())
        if __name__ == "__main__":
            run(main())
        """)
    assert "worker(int) -> float" in signatures(c)
    v = variables(c, "main")
    assert v["cs"] == "list[coroutine[float]]" and v["results"] == "list[float]"
    assert v["one"] == "float" and v["pid"] == "Pid"
    assert c.actor_program


def test_received_messages_are_dynamic_until_narrowed(tmp_path):
    c = check(tmp_path, """
        async def main():
            msg = await receive(timeout=0.5)
            if isinstance(msg, int):
                print(msg + 1)
            n: int = await receive()
            match msg:
                case ("add", int(a), int(b)) if a > b:
                    print(a - b)
                case ("name", str(s)) | ("alias", str(s)):
                    print(s.upper())
                case [x, y]:
                    print(x, y)
                case None:
                    print("timeout")
            print(n * 2, msg == "stop")
        """)
    v = variables(c, "main")
    assert v["msg"] == "Any" and v["n"] == "int" and v["a"] == "int" and v["s"] == "str" and v["x"] == "Any"
    narrowed = [name for name in v if name.startswith("msg.n")]
    assert len(narrowed) == 1 and v[narrowed[0]] == "int"


@pytest.mark.parametrize("source, message, line", [
    ("async def main():\n    msg = await receive()\n    print(msg[0])\n", "narrow it first", 3),
    ("async def main():\n    x = receive()\n", "receive() must be awaited", 2),
    ("async def main():\n    await send(self_pid(), [lambda: 1])\n", "cannot be sent", 2),
    ("def f(x: int) -> int:\n    return x\nasync def main():\n    spawn(f(1))\n", "needs a coroutine", 4),
    ("def main():\n    print(self_pid())\n", "for actor programs", 2),
    ("XS = [1]\nasync def w() -> None:\n    XS[0] = 2\nasync def main():\n    await w()\n",
     "immutable across actors", 3),
    ("async def w(n: int) -> None:\n    pass\nasync def main():\n    start_supervisor(Supervisor("
     "[ChildSpec('a', w, ('x',))]))\n", "argument 'n' is annotated int but has type str", 0),
    ("async def w() -> None:\n    pass\nasync def main():\n    Supervisor([ChildSpec('a', w)], "
     "strategy='one_for_none')\n", "the strategy must be one of", 4),
    ("async def main():\n    await 3\n", "can't be used in 'await' expression", 2),
])
def test_rejected_with_a_clear_message(tmp_path, source, message, line):
    got, at = reject(tmp_path, source)
    assert message in got
    if line:
        assert at == line


def test_actor_programs_get_safepoints_and_sequential_ones_do_not(tmp_path):
    loop = """
        def spin(n: int) -> int:
            t = 0
            for i in range(n):
                t += i
            while t > 100:
                t -= 100
            return t
        """
    loop = textwrap.dedent(loop)
    actor = check(tmp_path, loop + "\nasync def main():\n    print(spin(10))\n")
    text = print_module(lower_program(actor))
    spin = text[text.index("func $main.spin"):]
    spin = spin[:spin.index("\n}\n")]
    assert spin.count("CALL $pyvm_safepoint()") == 3  # entry, the for loop's and the while loop's back edges
    (tmp_path / "main.py").write_text(textwrap.dedent(loop) + "\ndef main():\n    print(spin(10))\n")
    sequential = print_module(lower_program(check_program(validate_project(str(tmp_path)))))
    assert "pyvm_safepoint" not in sequential


def test_coroutine_thunks_unpack_arguments_and_reply(tmp_path):
    c = check(tmp_path, """
        async def add(a: int, b: float) -> float:
            return a + b
        async def main():
            print(await gather([add(1, 2.0)]))
        """)
    text = print_module(lower_program(c))
    run = text[text.index("func $main.add.run"):]
    run = run[:run.index("\n}\n")]
    assert "GEP %coro, i64 2, 8, 24" in run and "GEP %coro, i64 3, 8, 24" in run and "BITCAST" in run
    entry = text[text.index("func $main.add.actor"):]
    assert "CALL $pyvm_coro_return" in entry[:entry.index("\n}\n")]
