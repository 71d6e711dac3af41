from pyvm import Pid, receive, register, run, self_pid, send, spawn, whereis


async def logger():
    lines: list[str] = []
    while True:
        msg = await receive()
        match msg:
            case ("log", str(text)):
                lines.append(text)
            case ("dump", Pid(to)):
                await send(to, lines)
                return


async def client(n: int):
    await send(whereis("logger"), ("log", f"client {n}"))
    await send(whereis("counter"), n)


async def main():
    print("before:", whereis("logger") is None)
    lg = spawn(logger())
    print("register:", register("logger", lg))
    print("again:", register("logger", self_pid()))
    print("found:", whereis("logger") == lg)
    print("me:", register("counter", self_pid()))
    for n in range(5):
        spawn(client(n))
    total = 0
    for _ in range(5):
        v: int = await receive()
        total += v
    await send(whereis("logger"), ("dump", self_pid()))
    lines: list[str] = await receive()
    print(sorted(lines))
    print("total:", total)


if __name__ == "__main__":
    run(main())
