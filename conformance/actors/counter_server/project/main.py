from pyvm import Pid, receive, run, self_pid, send, spawn


async def counter(start: int):
    value = start
    while True:
        msg = await receive()
        match msg:
            case ("inc", int(n)):
                value += n
            case ("get", Pid(to)):
                await send(to, value)
            case "stop":
                return


async def call_get(server: Pid) -> int:
    await send(server, ("get", self_pid()))
    v: int = await receive()
    return v


async def main():
    c = spawn(counter(100))
    for i in range(10):
        await send(c, ("inc", i))
    print("after 10 incs:", await call_get(c))
    await send(c, ("inc", -45))
    print("after dec:", await call_get(c))
    await send(c, "stop")


if __name__ == "__main__":
    run(main())
