from pyvm import Pid, receive, run, self_pid, send, spawn


async def producer(parent: Pid):
    await send(parent, 7)
    await send(parent, 1.5)
    await send(parent, "seven")
    await send(parent, False)
    await send(parent, None)
    await send(parent, [1, 2])
    await send(parent, (3, 4))
    await send(parent, {"a": 1})
    await send(parent, parent)


async def main():
    spawn(producer(self_pid()))
    for _ in range(9):
        m = await receive()
        if isinstance(m, bool):
            print("bool", m)
        elif isinstance(m, int):
            print("int", m + 1)
        elif isinstance(m, float):
            print("float", m * 2)
        elif isinstance(m, str):
            print("str", m.upper())
        elif m is None:
            print("None")
        elif isinstance(m, list):
            print("list", m)
        elif isinstance(m, tuple):
            print("tuple", m)
        elif isinstance(m, dict):
            print("dict", m)
        elif isinstance(m, Pid):
            print("pid is me:", m == self_pid())


if __name__ == "__main__":
    run(main())
