from pyvm import Pid, receive, run, self_pid, send, spawn


async def adder(parent: Pid):
    a: int = await receive()
    b: int = await receive()
    name: str = await receive()
    values: list[float] = await receive()
    await send(parent, f"{name}: {a + b} {sum(values)}")


async def main():
    p = spawn(adder(self_pid()))
    await send(p, 20)
    await send(p, 22)
    await send(p, "answer")
    await send(p, [0.5, 0.25])
    text: str = await receive()
    print(text)


if __name__ == "__main__":
    run(main())
