from pyvm import (ChildSpec, Pid, Supervisor, kill, monitor, receive, run, self_pid, send, start_supervisor,
                  unlink, which_child)


async def worker(name: str):
    while True:
        msg = await receive()
        match msg:
            case ("div", int(n), Pid(to)):
                await send(to, f"{name}: {100 // n}")


async def ask(sup: Pid, n: int):
    w = which_child(sup, "w1")
    await send(w, ("div", n, self_pid()))


async def main():
    spec = Supervisor([ChildSpec("w1", worker, ("w1",)), ChildSpec("w2", worker, ("w2",))],
                      strategy="one_for_one", max_restarts=3, within_seconds=5.0, name="sup", trace=True)
    sup = start_supervisor(spec)
    await ask(sup, 5)
    print(await receive())
    old = which_child(sup, "w1")
    ref = monitor(old)
    await ask(sup, 0)
    down = await receive()
    restarted = which_child(sup, "w1") != old
    match down:
        case ("DOWN", _, _, str(reason)):
            print("worker died:", reason)
    print("restarted:", restarted)
    await ask(sup, 4)
    print(await receive())
    ref2 = monitor(sup)
    unlink(sup)
    kill(sup, "shutdown")
    down = await receive()
    match down:
        case ("DOWN", _, _, str(reason)):
            print("supervisor stopped:", reason)


if __name__ == "__main__":
    run(main())
