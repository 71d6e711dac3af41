from pyvm import Pid, monitor, receive, run, self_pid, send, sleep, spawn


async def divider(parent: Pid, a: int, b: int):
    await sleep(0.01)
    await send(parent, a // b)


async def faulty():
    x = 0
    print(1 / x)


async def main():
    f = spawn(faulty())
    ref = monitor(f)
    me = self_pid()
    for b in [1, 2, 3]:
        spawn(divider(me, 12, b))
    got: list[int] = []
    for _ in range(3):
        v: int = await receive(where=lambda m: isinstance(m, int))
        got.append(v)
    print(sorted(got))
    down = await receive()
    match down:
        case ("DOWN", _, _, str(reason)):
            print("faulty:", reason)
    print("main finished normally")


if __name__ == "__main__":
    run(main())
