"""Links, monitors, trap_exit, kill, exit and the registry: actors.h's semantics."""

from plain_helpers import run_program


def test_monitor_down_normal_crash_and_noproc(tmp_path):
    r = run_program(tmp_path, """
        async def fine():
            return

        async def bad():
            x = [1]
            print(x[3])

        async def main():
            a = spawn(fine())
            b = spawn(bad())
            ra = monitor(a)
            rb = monitor(b)
            d1 = await receive()
            d2 = await receive()
            print(d1[0], d1[1] == ra, d1[2] == a, d1[3])
            print(d2[0], d2[1] == rb, d2[2] == b, d2[3])
            rc = monitor(a)
            d3 = await receive()
            print(d3[1] == rc, d3[3])
    """)
    assert r.status == 0, r.err
    assert r.lines == ["DOWN True True normal", "DOWN True True IndexError: list index out of range",
                       "True noproc"]


def test_demonitor_flushes_and_reports_activity(tmp_path):
    r = run_program(tmp_path, """
        async def quick():
            return

        async def waiter():
            await receive()

        async def main():
            a = spawn(quick())
            ref = monitor(a)
            await sleep(1)
            print(demonitor(ref))
            print(await receive(timeout=1))
            w = spawn(waiter())
            ref2 = monitor(w)
            print(demonitor(ref2))
            kill(w)
            print(await receive(timeout=1))
    """)
    assert (r.status, r.lines) == (0, ["False", "None", "True", "None"])


def test_link_propagates_crash_and_trap_exit_turns_it_into_message(tmp_path):
    r = run_program(tmp_path, """
        async def bad():
            await sleep(1)
            print(1 // 0)

        async def middle(parent: Pid):
            link(spawn(bad()))
            await sleep(100)
            send(parent, "middle survived")

        async def main():
            print(trap_exit(True))
            m = spawn(middle(self_pid()))
            link(m)
            msg = await receive()
            print(msg[0], msg[1] == m, msg[2])
            print(trap_exit(False))
    """)
    assert r.status == 0, r.err
    assert r.lines == ["False", "EXIT True ZeroDivisionError: integer division or modulo by zero", "True"]
    assert r.err.count("crashed:") == 1  # only the one that raised reports


def test_normal_exit_ignored_unless_trapping(tmp_path):
    r = run_program(tmp_path, """
        async def quick():
            return

        async def linked_waiter(parent: Pid, trap: bool):
            trap_exit(trap)
            link(spawn(quick()))
            m = await receive(timeout=5)
            send(parent, m is None)

        async def main():
            spawn(linked_waiter(self_pid(), False))
            print(await receive())
            spawn(linked_waiter(self_pid(), True))
            print(await receive())
    """)
    assert (r.status, r.lines) == (0, ["True", "False"])


def test_kill_semantics(tmp_path):
    r = run_program(tmp_path, """
        async def trapper(parent: Pid):
            trap_exit(True)
            while True:
                m = await receive()
                send(parent, m[2])

        async def plain_waiter():
            await receive()

        async def main():
            t = spawn(trapper(self_pid()))
            await sleep(1)
            kill(t, "normal")
            print(await receive())
            kill(t, "custom")
            print(await receive())
            ref = monitor(t)
            kill(t)
            print((await receive())[3])
            w = spawn(plain_waiter())
            ref = monitor(w)
            kill(w, "normal")
            print(await receive(timeout=1))
            kill(w, "shutdown")
            print((await receive())[3])
    """)
    assert r.status == 0, r.err
    assert r.lines == ["normal", "custom", "killed", "None", "shutdown"]


def test_link_to_dead_pid_noproc(tmp_path):
    r = run_program(tmp_path, """
        async def quick():
            return

        async def linker(p: Pid):
            link(p)
            print("not reached")

        async def main():
            q = spawn(quick())
            await sleep(1)
            l = spawn(linker(q))
            ref = monitor(l)
            print((await receive())[3])
            trap_exit(True)
            link(q)
            m = await receive()
            print(m[0], m[2])
    """)
    assert (r.status, r.lines) == (0, ["noproc", "EXIT noproc"])


def test_exit_with_reason_propagates_over_links(tmp_path):
    r = run_program(tmp_path, """
        async def quitter():
            await sleep(1)
            exit("done badly")

        async def main():
            trap_exit(True)
            q = spawn(quitter())
            link(q)
            m = await receive()
            print(m[2])
            unlink(q)
    """)
    assert (r.status, r.lines, r.err) == (0, ["done badly"], "")


def test_unlink_stops_propagation(tmp_path):
    r = run_program(tmp_path, """
        async def bad():
            await sleep(1)
            print(1 // 0)

        async def main():
            b = spawn(bad())
            link(b)
            unlink(b)
            await sleep(2)
            print("alive")
    """)
    assert (r.status, r.lines) == (0, ["alive"])


def test_registry(tmp_path):
    r = run_program(tmp_path, """
        async def named(parent: Pid):
            m = await receive()
            send(parent, ("got", m))

        async def main():
            print(whereis("srv"))
            p = spawn(named(self_pid()))
            print(register("srv", p), register("srv", self_pid()), register("other", p))
            print(whereis("srv") == p)
            send(whereis("srv"), 7)
            print(await receive())
            await sleep(1)
            print(whereis("srv"))
            print(register("srv", self_pid()), whereis("srv") == self_pid())
    """)
    assert r.status == 0, r.err
    assert r.lines == ["None", "True False False", "True", "('got', 7)", "None", "True True"]


def test_register_dead_pid_fails(tmp_path):
    r = run_program(tmp_path, """
        async def quick():
            return

        async def main():
            q = spawn(quick())
            await sleep(1)
            print(register("q", q))
    """)
    assert (r.status, r.lines) == (0, ["False"])


def test_exit_signal_arrives_after_messages(tmp_path):
    r = run_program(tmp_path, """
        async def sender(parent: Pid):
            for i in range(5):
                send(parent, i)

        async def main():
            trap_exit(True)
            link(spawn(sender(self_pid())))
            got = []
            for _ in range(6):
                got.append(await receive())
            print(got[:5], got[5][0], got[5][2])
    """)
    assert (r.status, r.lines) == (0, ["[0, 1, 2, 3, 4] EXIT normal"])
