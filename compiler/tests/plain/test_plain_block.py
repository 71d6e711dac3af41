"""ActorSystem.block_until: a synchronous call that waits runs the loop nested in it (what supervisor
calls use when they cannot act at once), and the end of main stops the other actors."""

from plain_helpers import run_program

BLOCK = "from pyvm.plain.system import current_system\n"


def test_block_until_runs_the_other_actors_and_timers(tmp_path):
    r = run_program(tmp_path, BLOCK + """
import asyncio

async def helper(parent: Pid):
    await sleep(2)
    print("helper: sending")
    send(parent, "done")

async def main():
    loop = asyncio.get_running_loop()
    me = self_pid()
    spawn(helper(me))
    system = current_system()
    actor = system.current()
    system.block_until(lambda: len(actor.inbox) > 0)
    print("main: unblocked at", loop.time(), actor.inbox[0])
    print("main:", await receive())
""")
    assert r.status == 0, r.err
    assert r.lines == ["helper: sending", "main: unblocked at 2.0 done", "main: done"]


def test_block_until_deadlock_is_reported(tmp_path):
    r = run_program(tmp_path, BLOCK + """
async def other():
    await receive()

async def main():
    spawn(other())
    print("blocking")
    current_system().block_until(lambda: False)
    print("never")
""")
    assert r.status == 1
    assert r.lines == ["blocking"]
    assert r.last_err == "pyvm: deadlock: every actor is waiting for a message that nothing can send"


def test_blocked_actor_gets_its_signals(tmp_path):
    """A fatal exit signal ends a blocked actor at once; a trapped one arrives as a message."""
    r = run_program(tmp_path, BLOCK + """
async def blocked(flag: list):
    current_system().block_until(lambda: False)
    print("never")

async def trapper(parent: Pid):
    trap_exit(True)
    actor = current_system().current()
    current_system().block_until(lambda: len(actor.inbox) > 0)
    send(parent, ("trapper got", actor.inbox[0][2]))

async def main():
    b = spawn(blocked([]))
    rb = monitor(b)
    t = spawn(trapper(self_pid()))
    await sleep(1)
    kill(b, "stop")
    kill(t, "stop")
    print(await receive())
    print(await receive())
""")
    assert r.status == 0, r.err
    assert sorted(r.lines) == ["('DOWN', 1, <pid 0.2>, 'stop')", "('trapper got', 'stop')"]


def test_actors_do_not_run_after_main_ends(tmp_path):
    """main's end is the program's: its linked supervisor does not get to shut down (and a child that
    traps exits does not print its reaction) before everything is cancelled."""
    r = run_program(tmp_path, """
async def stubborn():
    trap_exit(True)
    while True:
        m = await receive()
        print("stubborn: got", m)

async def main():
    start_supervisor(Supervisor([ChildSpec("s", stubborn, (), shutdown=1.0)], trace=True))
    await sleep(0.1)
    print("main: done")
""")
    assert r.status == 0, r.err
    assert r.lines == ["supervisor: start s", "main: done"]
