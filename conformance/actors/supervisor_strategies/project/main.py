from pyvm import (ChildSpec, Pid, Supervisor, count_children, kill, monitor, receive, run, send,
                  start_supervisor, unlink, which_child)


async def worker(n: int):
    while True:
        msg = await receive()
        if msg == "crash":
            print(n // 0)


async def crash_and_wait(sup: Pid, id: str):
    w = which_child(sup, id)
    ref = monitor(w)
    await send(w, "crash")
    await receive()
    replaced = which_child(sup, id) != w
    print(id, "replaced:", replaced)


async def stop(sup: Pid):
    ref = monitor(sup)
    unlink(sup)
    kill(sup, "shutdown")
    await receive()


async def exercise(sup: Pid, label: str):
    print(label, "children:", count_children(sup))
    await crash_and_wait(sup, "b")
    await stop(sup)


async def main():
    children = [ChildSpec("a", worker, (1,)), ChildSpec("b", worker, (2,)), ChildSpec("c", worker, (3,))]
    sup = start_supervisor(Supervisor(children, strategy="one_for_all", name="one_for_all", trace=True))
    await exercise(sup, "one_for_all")
    sup = start_supervisor(Supervisor(children, strategy="rest_for_one", name="rest_for_one", trace=True))
    await exercise(sup, "rest_for_one")


if __name__ == "__main__":
    run(main())
