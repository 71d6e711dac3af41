"""A child trapping exits ignores 'shutdown'; after its shutdown time (0.2 s) it is killed.
"""

from pyvm import (ChildSpec, Pid, Supervisor, exit, kill, receive, restart_child, run, self_pid, send,
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


async def stubborn(name: str) -> None:
    trap_exit(True)
    while True:
        msg = await receive()
        match msg:
            case ("EXIT", _, str(reason)):
                print(f"{name}: ignoring exit signal {reason}")
            case ("ping", Pid(sender)):
                print(f"{name}: trapping exits")
                await send(sender, ("pong", name))


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


async def main() -> None:
    trap_exit(True)
    sup = start_supervisor(Supervisor(
        [ChildSpec("a", worker, ("a",)), ChildSpec("slow", stubborn, ("slow",), shutdown=0.2), ChildSpec("c", worker, ("c",))],
        strategy="one_for_one", max_restarts=3, within_seconds=1.0, trace=True))
    print("main: supervisor started")
    await ping(sup, "slow")
    ok = terminate_child(sup, "slow")
    print(f"main: terminate_child slow: {ok}")
    ok = restart_child(sup, "slow")
    print(f"main: restart_child slow: {ok}")
    await ping(sup, "slow")
    await stop(sup)


if __name__ == "__main__":
    run(main())
