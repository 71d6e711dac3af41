"""Terminate_child / restart_child of a supervisor child.
"""

from pyvm import (ChildSpec, Pid, Supervisor, count_children, exit, kill, receive, restart_child, run,
                  self_pid, send, start_supervisor, terminate_child, trap_exit, which_child)


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


async def sync_inner(top: Pid) -> Pid:
    inner = which_child(top, "inner")
    count_children(inner)
    return inner


async def main() -> None:
    trap_exit(True)
    inner_spec = Supervisor([ChildSpec("w1", worker, ("w1",)), ChildSpec("w2", worker, ("w2",))],
                            strategy="one_for_one", max_restarts=3, within_seconds=1.0, name="inner", trace=True)
    top = start_supervisor(Supervisor([ChildSpec("a", worker, ("a",)), ChildSpec("inner", inner_spec)],
                                      strategy="one_for_one", max_restarts=3, within_seconds=1.0, name="top", trace=True))
    sub = await sync_inner(top)
    print("main: tree started")
    ok = terminate_child(top, "inner")
    print(f"main: terminate_child inner: {ok}")
    ok = restart_child(top, "inner")
    sub = await sync_inner(top)
    print(f"main: restart_child inner: {ok}")
    await ping(sub, "w2")
    await stop(top)


if __name__ == "__main__":
    run(main())
