"""Supervisors: supervisor.c's event order and trace lines, strategy by strategy."""

from plain_helpers import run_program

WORKER = """
async def worker(n: int):
    while True:
        m = await receive()
        if m == "crash":
            print(1 // 0)
        if m == "stop":
            return
        if m == "quit":
            exit("quit")
"""


def sup_program(tmp_path, main_body: str):
    return run_program(tmp_path, WORKER + main_body)


def test_one_for_one_restarts_only_the_crashed_child(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      strategy="one_for_one", trace=True))
    b = which_child(sup, "b")
    a = which_child(sup, "a")
    send(a, "crash")
    await sleep(1)
    print(which_child(sup, "a") != a, which_child(sup, "b") == b, count_children(sup))
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start a", "supervisor: start b",
                       "supervisor: exit a: ZeroDivisionError: integer division or modulo by zero",
                       "supervisor: restart a", "supervisor: start a", "True True 2"]


def test_one_for_all_terminates_others_in_reverse_then_restarts_in_order(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,)),
                                       ChildSpec("c", worker, (3,))], strategy="one_for_all",
                                      name="top", trace=True))
    print(whereis("top") == sup)
    send(which_child(sup, "b"), "crash")
    await sleep(1)
""")
    assert r.status == 0, r.err
    assert r.lines == ["top: start a", "top: start b", "top: start c", "True",
                       "top: exit b: ZeroDivisionError: integer division or modulo by zero",
                       "top: restart b", "top: terminate c", "top: terminate a",
                       "top: start a", "top: start b", "top: start c"]


def test_rest_for_one(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,)),
                                       ChildSpec("c", worker, (3,)), ChildSpec("d", worker, (4,))],
                                      strategy="rest_for_one", name="r", trace=True))
    a = which_child(sup, "a")
    send(which_child(sup, "b"), "crash")
    await sleep(1)
    print(which_child(sup, "a") == a)
""")
    assert r.status == 0, r.err
    assert r.lines[4:] == ["r: exit b: ZeroDivisionError: integer division or modulo by zero", "r: restart b",
                           "r: terminate d", "r: terminate c", "r: start b", "r: start c", "r: start d", "True"]


def test_restart_types(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("p", worker, (1,), restart="permanent"),
                                       ChildSpec("t", worker, (2,), restart="transient"),
                                       ChildSpec("tmp", worker, (3,), restart="temporary"),
                                       ChildSpec("t2", worker, (4,), restart="transient")],
                                      max_restarts=10, name="s", trace=True))
    send(which_child(sup, "p"), "stop")
    await sleep(1)
    send(which_child(sup, "t"), "stop")
    await sleep(1)
    send(which_child(sup, "t2"), "quit")
    await sleep(1)
    send(which_child(sup, "tmp"), "crash")
    await sleep(1)
    print(count_children(sup), which_child(sup, "t"), which_child(sup, "tmp"))
""")
    assert r.status == 0, r.err
    assert r.lines[4:] == ["s: exit p: normal", "s: restart p", "s: start p",
                           "s: exit t: normal",
                           "s: exit t2: quit", "s: restart t2", "s: start t2",
                           "s: exit tmp: ZeroDivisionError: integer division or modulo by zero",
                           "3 None None"]


def test_intensity_gives_up_with_shutdown(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    trap_exit(True)
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      max_restarts=2, within_seconds=10.0, trace=True))
    for i in range(3):
        send(which_child(sup, "a"), "crash")
        await sleep(1)
    m = await receive()
    print(m[0], m[1] == sup, m[2])
""")
    assert r.status == 0, r.err
    crash = "supervisor: exit a: ZeroDivisionError: integer division or modulo by zero"
    assert r.lines == ["supervisor: start a", "supervisor: start b",
                       crash, "supervisor: restart a", "supervisor: start a",
                       crash, "supervisor: restart a", "supervisor: start a",
                       crash, "supervisor: shutdown: reached max restart intensity",
                       "supervisor: terminate b", "supervisor: stop: shutdown", "EXIT True shutdown"]


def test_intensity_window_slides(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,))], max_restarts=1, within_seconds=5.0))
    for i in range(4):
        send(which_child(sup, "a"), "crash")
        await sleep(6)
    print(count_children(sup))
""")
    assert (r.status, r.lines) == (0, ["1"])


def test_give_up_kills_linked_starter(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,))], max_restarts=0))
    send(which_child(sup, "a"), "crash")
    await sleep(1)
    print("not reached")
""")
    assert r.status == 1 and r.out == ""


def test_starter_crash_stops_supervisor(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      trace=True, name="s"))
    await sleep(1)
    print([1][2])
""")
    assert r.status == 1
    assert r.lines == ["s: start a", "s: start b"]  # then the program ends: the rest is killed silently
    assert r.last_err == "IndexError: list index out of range"


def test_parent_exit_signal_shuts_down_in_reverse(tmp_path):
    r = sup_program(tmp_path, """
async def starter(parent: Pid):
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      trace=True, name="s"))
    send(parent, sup)
    await receive()
    print([1][2])

async def main():
    s = spawn(starter(self_pid()))
    sup = await receive()
    ref = monitor(sup)
    send(s, "go")
    m = await receive()
    print(m[3])
""")
    assert r.status == 0
    assert r.lines == ["s: start a", "s: start b", "s: terminate b", "s: terminate a",
                       "s: stop: IndexError: list index out of range", "IndexError: list index out of range"]


def test_shutdown_timeout_then_kill(tmp_path):
    r = run_program(tmp_path, """
async def stubborn(parent: Pid):
    trap_exit(True)
    m = await receive()
    send(parent, ("stubborn got", m[2]))
    await sleep(100)

async def polite(parent: Pid):
    trap_exit(True)
    m = await receive()
    send(parent, ("polite got", m[2]))

async def crasher():
    await receive()
    print(1 // 0)

async def main():
    sup = start_supervisor(Supervisor([ChildSpec("s", stubborn, (self_pid(),), shutdown=2.0),
                                       ChildSpec("p", polite, (self_pid(),), shutdown=2.0),
                                       ChildSpec("c", crasher)],
                                      strategy="one_for_all", trace=True))
    s = which_child(sup, "s")
    p = which_child(sup, "p")
    rs = monitor(s)
    rp = monitor(p)
    send(which_child(sup, "c"), "go")
    got = []
    for i in range(4):
        got.append(await receive())
    await sleep(1)
    print(sorted([str(x) for x in got]))
""")
    assert r.status == 0, r.err
    assert r.lines[:6] == ["supervisor: start s", "supervisor: start p", "supervisor: start c",
                           "supervisor: exit c: ZeroDivisionError: integer division or modulo by zero",
                           "supervisor: restart c", "supervisor: terminate p"]
    traces = [line for line in r.lines if line.startswith("supervisor:")]
    assert traces[6:] == ["supervisor: terminate s", "supervisor: start s", "supervisor: start p",
                          "supervisor: start c"]
    (result,) = [line for line in r.lines if not line.startswith("supervisor:")]
    assert "'killed')" in result and "'normal')" in result  # s killed after its 2 s, p left by itself
    assert "('polite got', 'shutdown')" in result and "('stubborn got', 'shutdown')" in result


def test_brutal_kill(tmp_path):
    r = run_program(tmp_path, """
async def trapper():
    trap_exit(True)
    await sleep(100)

async def main():
    sup = start_supervisor(Supervisor([ChildSpec("t", trapper, (), shutdown=0)], trace=True))
    t = which_child(sup, "t")
    ref = monitor(t)
    print(terminate_child(sup, "t"))
    print((await receive())[3])
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start t", "supervisor: terminate t", "True", "killed"]


def test_terminate_restart_delete_calls(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,)),
                                       ChildSpec("t", worker, (3,), restart="temporary")], trace=True))
    a = which_child(sup, "a")
    ref = monitor(a)
    print(terminate_child(sup, "a"), which_child(sup, "a"), count_children(sup))
    print((await receive())[3])
    print(delete_child(sup, "b"), restart_child(sup, "b"), terminate_child(sup, "zz"))
    print(restart_child(sup, "a"), which_child(sup, "a") is None)
    print(terminate_child(sup, "b"), delete_child(sup, "b"), count_children(sup))
    print(terminate_child(sup, "t"), count_children(sup))
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start a", "supervisor: start b", "supervisor: start t",
                       "supervisor: terminate a", "True None 3", "shutdown",
                       "False False False", "supervisor: start a", "True False",
                       "supervisor: terminate b", "True True 2", "supervisor: terminate t", "True 1"]


def test_nested_supervisors(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    inner = Supervisor([ChildSpec("w1", worker, (1,)), ChildSpec("w2", worker, (2,))],
                       strategy="one_for_all", name="inner", trace=True)
    sup = start_supervisor(Supervisor([ChildSpec("db", worker, (0,)), ChildSpec("workers", inner)],
                                      strategy="one_for_one", name="top", trace=True))
    await sleep(1)
    i = which_child(sup, "workers")
    print(i == whereis("inner"), count_children(i))
    send(which_child(i, "w2"), "crash")
    await sleep(1)
    send(which_child(sup, "db"), "crash")
    await sleep(1)
    ref = monitor(i)
    print(terminate_child(sup, "workers"))
    print((await receive())[3], whereis("inner"))
    print(restart_child(sup, "workers"))
    await sleep(1)
    print(whereis("inner") is not None)
""")
    assert r.status == 0, r.err
    crash = "ZeroDivisionError: integer division or modulo by zero"
    assert r.lines == ["top: start db", "inner: start w1", "inner: start w2", "top: start workers", "True 2",
                       f"inner: exit w2: {crash}", "inner: restart w2", "inner: terminate w1",
                       "inner: start w1", "inner: start w2",
                       f"top: exit db: {crash}", "top: restart db", "top: start db",
                       "inner: terminate w2", "inner: terminate w1", "inner: stop: shutdown",
                       "top: terminate workers", "True", "shutdown None",
                       "inner: start w1", "inner: start w2", "top: start workers", "True", "True"]


def test_nested_supervisor_terminated_by_strategy(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    inner = Supervisor([ChildSpec("w", worker, (1,))], name="in", trace=True)
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (0,)), ChildSpec("n", inner)],
                                      strategy="rest_for_one", name="top", trace=True))
    await sleep(1)
    send(which_child(sup, "a"), "crash")
    await sleep(1)
""")
    assert r.status == 0, r.err
    assert r.lines[3:] == ["top: exit a: ZeroDivisionError: integer division or modulo by zero",
                           "top: restart a", "in: terminate w", "in: stop: shutdown", "top: terminate n",
                           "top: start a", "in: start w", "top: start n"]


def test_shutdown_by_kill_from_starter(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      name="s", trace=True))
    ref = monitor(sup)
    unlink(sup)
    kill(sup, "shutdown")
    m = await receive()
    print(m[3], whereis("s"))
""")
    assert r.status == 0, r.err
    assert r.lines == ["s: start a", "s: start b", "s: terminate b", "s: terminate a", "s: stop: shutdown",
                       "shutdown None"]


def test_calls_queue_behind_pending_events(tmp_path):
    """A call made right after a child's DOWN sees the restart (the EXIT is handled first)."""
    r = sup_program(tmp_path, """
async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,))],
                                      strategy="one_for_all", trace=True))
    a = which_child(sup, "a")
    ref = monitor(a)
    send(a, "crash")
    await receive()
    print("restarted:", which_child(sup, "a") != a)
""")
    assert r.status == 0, r.err
    assert r.lines[2:] == ["supervisor: exit a: ZeroDivisionError: integer division or modulo by zero",
                           "supervisor: restart a", "supervisor: terminate b", "supervisor: start a",
                           "supervisor: start b", "restarted: True"]


# ---- supervisor.c's order for nested supervisors and calls that wait ----------------------------

def test_nested_supervisor_starts_its_children_before_the_parent_traces_it(tmp_path):
    """The parent waits for the nested supervisor's start (its children, its name) before its own
    `start <id>` line, at the first start and at restart_child; calls made at once see it started."""
    r = sup_program(tmp_path, """
async def main():
    inner = Supervisor([ChildSpec("w1", worker, (1,)), ChildSpec("w2", worker, (2,))], name="inner",
                       trace=True)
    sup = start_supervisor(Supervisor([ChildSpec("a", worker, (0,)), ChildSpec("in", inner),
                                       ChildSpec("b", worker, (3,))], name="top", trace=True))
    i = which_child(sup, "in")
    print(i == whereis("inner"), count_children(i), which_child(i, "w1") is not None,
          which_child(i, "w2") is not None)
    print(terminate_child(sup, "in"), restart_child(sup, "in"))
    i = which_child(sup, "in")
    print(i == whereis("inner"), count_children(i), which_child(i, "w2") is not None)
""")
    assert r.status == 0, r.err
    assert r.lines == ["top: start a", "inner: start w1", "inner: start w2", "top: start in", "top: start b",
                       "True 2 True True",
                       "inner: terminate w2", "inner: terminate w1", "inner: stop: shutdown",
                       "top: terminate in",
                       "inner: start w1", "inner: start w2", "top: start in", "True True",
                       "True 2 True"]


def test_three_levels_start_innermost_first(tmp_path):
    r = sup_program(tmp_path, """
async def main():
    leaf = Supervisor([ChildSpec("y", worker, (1,))], name="leaf", trace=True)
    mid = Supervisor([ChildSpec("x", worker, (2,)), ChildSpec("leaf", leaf)], name="mid", trace=True)
    sup = start_supervisor(Supervisor([ChildSpec("mid", mid)], name="top", trace=True))
    print(which_child(which_child(whereis("mid"), "leaf"), "y") is not None)
""")
    assert r.status == 0, r.err
    assert r.lines == ["mid: start x", "leaf: start y", "mid: start leaf", "top: start mid", "True"]


TRAPPERS = """
import asyncio

async def stubborn(name: str):
    trap_exit(True)
    while True:
        m = await receive()
        print(f"{name}: got {m[0]} {m[2]}")

async def polite():
    trap_exit(True)
    m = await receive()
    print(f"polite: got {m[0]} {m[2]}, leaving")
    exit("bye")
"""


def test_terminate_child_of_a_trapping_worker_waits_its_shutdown_time(tmp_path):
    """terminate_child sends "shutdown", waits up to the child's shutdown time, then kills it; the
    caller blocks meanwhile (the child's reaction comes before the call returns)."""
    r = run_program(tmp_path, TRAPPERS + """
async def main():
    loop = asyncio.get_running_loop()
    sup = start_supervisor(Supervisor([ChildSpec("s", stubborn, ("s",), shutdown=0.5),
                                       ChildSpec("p", polite, (), shutdown=3.0)], trace=True))
    await sleep(0.1)
    s = which_child(sup, "s")
    p = which_child(sup, "p")
    rs = monitor(s)
    rp = monitor(p)
    t0 = loop.time()
    print(terminate_child(sup, "s"), round(loop.time() - t0, 3), which_child(sup, "s"))
    print((await receive())[3])
    t0 = loop.time()
    print(terminate_child(sup, "p"), round(loop.time() - t0, 3), count_children(sup))
    print((await receive())[3])
    print(restart_child(sup, "s"), which_child(sup, "s") is not None)
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start s", "supervisor: start p",
                       "s: got EXIT shutdown", "supervisor: terminate s", "True 0.5 None", "killed",
                       "polite: got EXIT shutdown, leaving", "supervisor: terminate p", "True 0.0 2", "bye",
                       "supervisor: start s", "True True"]


def test_call_to_a_supervisor_busy_terminating_queues_behind(tmp_path):
    """Another actor's call made while the supervisor waits for a trapping child is answered after
    that termination (C queues it in the supervisor's mailbox)."""
    r = run_program(tmp_path, """
async def spy():
    sup = (await receive())[1]
    await receive()
    print("spy:", which_child(sup, "s") is None, count_children(sup))

async def stubborn(spy_pid: Pid):
    trap_exit(True)
    while True:
        m = await receive()
        print("s: ignoring", m[2])
        send(spy_pid, "go")

async def main():
    sp = spawn(spy())
    sup = start_supervisor(Supervisor([ChildSpec("s", stubborn, (sp,), shutdown=0.5)], trace=True))
    send(sp, ("sup", sup))
    await sleep(0.1)
    print("main:", terminate_child(sup, "s"))
    await sleep(0.1)
""")
    assert r.status == 0, r.err
    assert r.lines[:3] == ["supervisor: start s", "s: ignoring shutdown", "supervisor: terminate s"]
    assert sorted(r.lines[3:]) == ["main: True", "spy: True 1"]


def test_blocked_caller_can_be_killed(tmp_path):
    """An actor blocked in terminate_child ends at once on a kill; the supervisor finishes its work."""
    r = run_program(tmp_path, TRAPPERS + """
async def caller(sup: Pid):
    print("caller: result", terminate_child(sup, "s"))

async def main():
    loop = asyncio.get_running_loop()
    sup = start_supervisor(Supervisor([ChildSpec("s", stubborn, ("s",), shutdown=5.0)], trace=True))
    await sleep(0.1)
    c = spawn(caller(sup))
    ref = monitor(c)
    await sleep(1)
    kill(c)
    m = await receive()
    print("caller:", m[3], round(loop.time(), 3))
    await sleep(10)
    print(which_child(sup, "s"), count_children(sup))
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start s", "s: got EXIT shutdown", "caller: killed 1.1",
                       "supervisor: terminate s", "None 1"]


def test_queued_event_that_must_wait_for_a_trapping_child(tmp_path):
    """A call right after a crash whose one_for_all restart must give a trapping sibling its shutdown
    time: the call waits for the whole restart (the sibling sees "shutdown" first)."""
    r = run_program(tmp_path, TRAPPERS + """
async def crasher():
    await receive()
    print(1 // 0)

async def main():
    sup = start_supervisor(Supervisor([ChildSpec("a", crasher),
                                       ChildSpec("s", stubborn, ("s",), shutdown=0.3)],
                                      strategy="one_for_all", trace=True))
    await sleep(0.1)
    a = which_child(sup, "a")
    ref = monitor(a)
    send(a, "go")
    await receive()
    print("restarted:", which_child(sup, "a") != a)
""")
    assert r.status == 0, r.err
    assert r.lines[2:] == ["supervisor: exit a: ZeroDivisionError: integer division or modulo by zero",
                           "supervisor: restart a", "s: got EXIT shutdown", "supervisor: terminate s",
                           "supervisor: start a", "supervisor: start s", "restarted: True"]
