"""One_for_all: the last child (c) ends with 'killed'; restarted: a, b, c (ping counts show whose state
is fresh).
"""

from pyvm import (ChildSpec, Pid, Supervisor, exit, kill, receive, run, self_pid, send, sleep,
                  start_supervisor, trap_exit, which_child)


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


async def main() -> None:
    trap_exit(True)
    sup = start_supervisor(Supervisor(
        [ChildSpec("a", worker, ("a",)), ChildSpec("b", worker, ("b",)), ChildSpec("c", worker, ("c",))],
        strategy="one_for_all", max_restarts=3, within_seconds=1.0, trace=True))
    print("main: supervisor started")
    await ping(sup, "a")
    await ping(sup, "b")
    await ping(sup, "c")
    old = which_child(sup, "c")
    print("main: kill c")
    kill(old, "kill")
    await restarted(sup, "c", old)
    await ping(sup, "a")
    await ping(sup, "b")
    await ping(sup, "c")
    await stop(sup)


if __name__ == "__main__":
    run(main())
