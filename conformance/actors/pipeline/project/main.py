from pyvm import Pid, receive, run, self_pid, send, spawn


async def stage(name: str, factor: int, nxt: Pid):
    while True:
        msg = await receive()
        match msg:
            case int(v):
                await send(nxt, v * factor + 1)
            case "eof":
                await send(nxt, "eof")
                return


async def sink(parent: Pid):
    seen: list[int] = []
    while True:
        msg = await receive()
        match msg:
            case int(v):
                seen.append(v)
            case "eof":
                await send(parent, seen)
                return


async def main():
    s = spawn(sink(self_pid()))
    c = spawn(stage("c", 5, s))
    b = spawn(stage("b", 3, c))
    a = spawn(stage("a", 2, b))
    for v in range(8):
        await send(a, v)
    await send(a, "eof")
    out: list[int] = await receive()
    print(out)


if __name__ == "__main__":
    run(main())
