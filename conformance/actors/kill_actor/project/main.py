from pyvm import Pid, kill, monitor, receive, run, self_pid, send, spawn, trap_exit


async def stubborn(parent: Pid):
    trap_exit(True)
    await send(parent, "ready")
    while True:
        msg = await receive()
        match msg:
            case ("EXIT", _, str(reason)):
                await send(parent, "trapped " + reason)


async def idle():
    await receive()


async def main():
    s = spawn(stubborn(self_pid()))
    print(await receive())
    kill(s, "please")
    print(await receive())
    kill(s, "normal")
    print(await receive())
    ref = monitor(s)
    kill(s)
    msg = await receive()
    match msg:
        case ("DOWN", _, _, str(reason)):
            print("stubborn:", reason)
    i = spawn(idle())
    ref2 = monitor(i)
    kill(i, "normal")
    print("ignored:", await receive(timeout=0.05))
    kill(i, "stop now")
    msg = await receive()
    match msg:
        case ("DOWN", _, _, str(reason)):
            print("idle:", reason)


if __name__ == "__main__":
    run(main())
