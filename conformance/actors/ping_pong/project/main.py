from pyvm import Pid, receive, run, self_pid, send, spawn


async def ponger():
    while True:
        msg = await receive()
        match msg:
            case ("ping", Pid(sender), int(n)):
                await send(sender, ("pong", n))
            case "stop":
                return


async def main():
    p = spawn(ponger())
    total = 0
    for i in range(10):
        await send(p, ("ping", self_pid(), i))
        reply = await receive()
        match reply:
            case ("pong", int(n)):
                print("pong", n)
                total += n
    await send(p, "stop")
    print("total", total)


if __name__ == "__main__":
    run(main())
