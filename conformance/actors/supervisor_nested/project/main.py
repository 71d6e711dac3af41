from pyvm import (ChildSpec, Pid, Supervisor, count_children, kill, monitor, receive, run, send,
                  start_supervisor, unlink, whereis, which_child)


async def worker(n: int):
    while True:
        msg = await receive()
        if msg == "crash":
            print(n // 0)


async def main():
    inner = Supervisor([ChildSpec("w1", worker, (1,)), ChildSpec("w2", worker, (2,))],
                       strategy="one_for_all", name="inner", trace=True)
    sup = start_supervisor(Supervisor([ChildSpec("db", worker, (0,)), ChildSpec("workers", inner)],
                                      name="top"))
    i = which_child(sup, "workers")
    n_inner = count_children(i)
    print("children:", count_children(sup), n_inner)
    ref = monitor(i)
    unlink(sup)
    ref_top = monitor(sup)
    kill(sup, "shutdown")
    msg = await receive()
    match msg:
        case ("DOWN", _, _, str(reason)):
            print("inner ended:", reason)
    msg = await receive()
    match msg:
        case ("DOWN", _, _, str(reason)):
            print("top ended:", reason)
    print("names free:", whereis("top") is None, whereis("inner") is None)


if __name__ == "__main__":
    run(main())
