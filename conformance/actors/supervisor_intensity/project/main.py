from pyvm import ChildSpec, Pid, Supervisor, monitor, receive, run, send, start_supervisor, trap_exit, which_child


async def fragile():
    await receive()
    print([0][1])


async def main():
    trap_exit(True)
    sup = start_supervisor(Supervisor([ChildSpec("f", fragile), ChildSpec("t", fragile, (), restart="temporary")],
                                      max_restarts=2, within_seconds=60.0, name="sup", trace=True))
    t = which_child(sup, "t")
    ref = monitor(t)
    await send(t, "go")
    await receive()
    for i in range(3):
        w = which_child(sup, "f")
        ref = monitor(w)
        await send(w, "go")
        await receive()
    msg = await receive()
    match msg:
        case ("EXIT", Pid(who), str(reason)):
            print("supervisor exited:", who == sup, reason)


if __name__ == "__main__":
    run(main())
