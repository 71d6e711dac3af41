"""A registered server restarted after a crash is found again with whereis; its state is fresh;
messages queued behind the crash or sent to the old pid are lost.
"""

from pyvm import (ChildSpec, Pid, Supervisor, kill, receive, register, run, self_pid, send, sleep,
                  start_supervisor, trap_exit, whereis, which_child)


async def server(name: str) -> None:
    register(name, self_pid())
    total = 0
    while True:
        msg = await receive()
        match msg:
            case ("add", int(n)):
                total += n
            case ("get", Pid(sender)):
                print(f"{name}: total {total}")
                await send(sender, ("total", total))
            case "divide":
                print(f"{name}: dividing by zero")
                print(total / (total - total))


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


async def registered(sup: Pid, name: str) -> Pid:
    pid = whereis(name)
    while pid is None or pid != which_child(sup, name):
        await sleep(0.01)
        pid = whereis(name)
    return pid


async def get_total(name: str) -> None:
    await send(whereis(name), ("get", self_pid()))
    m = await receive(where=lambda m: is_total(m))
    print(f"main: got {m}")


def is_total(m) -> bool:
    match m:
        case ("total", _):
            return True
    return False


async def main() -> None:
    trap_exit(True)
    sup = start_supervisor(Supervisor(
        [ChildSpec("counter", server, ("counter",))],
        strategy="one_for_one", max_restarts=3, within_seconds=1.0, trace=True))
    print("main: supervisor started")
    srv = await registered(sup, "counter")
    await send(srv, ("add", 1))
    await send(whereis("counter"), ("add", 2))
    await get_total("counter")
    await send(srv, "divide")
    await send(srv, ("add", 100))
    await restarted(sup, "counter", srv)
    srv2 = await registered(sup, "counter")
    await send(srv, ("add", 1000))
    print(f"main: same pid after restart: {srv2 == srv}")
    await send(whereis("counter"), ("add", 5))
    await get_total("counter")
    await stop(sup)


if __name__ == "__main__":
    run(main())
