"""Main monitors supervised children: DOWN carries killed, the exception, shutdown (terminate_child),
noproc (the None pid of a stopped child).
"""

from pyvm import (ChildSpec, Pid, Supervisor, exit, kill, monitor, receive, run, self_pid, send, sleep,
                  start_supervisor, terminate_child, trap_exit, which_child)


async def worker(name: str) -> None:
    count = 0
    while True:
        msg = await receive()
        match msg:
            case ("ping", Pid(sender)):
                count += 1
                print(f"{name}: ping {count}")
                await send(sender, ("pong", name))
            case "divide":
                print(f"{name}: dividing by zero")
                print(count / (count - count))
            case ("exit", str(reason)):
                print(f"{name}: exit {reason}")
                exit(reason)
            case "return":
                print(f"{name}: returning")
                return


async def ping(sup: Pid, cid: str) -> None:
    await send(which_child(sup, cid), ("ping", self_pid()))
    await receive(where=lambda m: m == ("pong", cid))


async def restarted(sup: Pid, cid: str, old: Pid) -> None:
    now = which_child(sup, cid)
    while now is None or now == old:
        await sleep(0.01)
        now = which_child(sup, cid)
    print(f"main: {cid} restarted")


async def stop(sup: Pid) -> None:
    kill(sup, "shutdown")
    await wait_exit(sup)


async def wait_exit(sup: Pid) -> None:
    m = await receive(where=lambda m: is_exit_from(m, sup))
    match m:
        case ("EXIT", _, str(reason)):
            print(f"main: EXIT from supervisor: {reason}")


def is_exit_from(m, sup: Pid) -> bool:
    match m:
        case ("EXIT", Pid(p), _) if p == sup:
            return True
    return False


async def wait_down(ref: int) -> str:
    m = await receive(where=lambda m: down_ref(m) == ref)
    match m:
        case ("DOWN", _, _, str(reason)):
            return reason
    return ""


def down_ref(m) -> int:
    match m:
        case ("DOWN", int(r), _, _):
            return r
    return -1


async def main() -> None:
    trap_exit(True)
    sup = start_supervisor(Supervisor(
        [ChildSpec("a", worker, ("a",)), ChildSpec("b", worker, ("b",))],
        strategy="one_for_one", max_restarts=3, within_seconds=1.0, trace=True))
    print("main: supervisor started")
    old = which_child(sup, "a")
    ref = monitor(old)
    print("main: kill a")
    kill(old, "kill")
    reason = await wait_down(ref)
    await restarted(sup, "a", old)
    print(f"main: DOWN a: {reason}")
    old = which_child(sup, "a")
    ref = monitor(old)
    await send(old, "divide")
    reason = await wait_down(ref)
    await restarted(sup, "a", old)
    print(f"main: DOWN a: {reason}")
    ref = monitor(which_child(sup, "b"))
    terminate_child(sup, "b")
    reason = await wait_down(ref)
    print(f"main: DOWN b: {reason}")
    ref = monitor(which_child(sup, "b"))
    reason = await wait_down(ref)
    print(f"main: DOWN of a stopped child: {reason}")
    await stop(sup)


if __name__ == "__main__":
    run(main())
