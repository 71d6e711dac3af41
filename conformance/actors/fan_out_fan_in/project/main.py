from pyvm import Pid, receive, run, self_pid, send, spawn


async def square(parent: Pid, x: int):
    await send(parent, (x, x * x))


async def main():
    me = self_pid()
    for x in range(20):
        spawn(square(me, x))
    results: dict[int, int] = {}
    for _ in range(20):
        msg = await receive()
        match msg:
            case (int(x), int(y)):
                results[x] = y
    keys = sorted(results.keys())
    for k in keys:
        print(k, results[k])
    print("sum", sum(results.values()))


if __name__ == "__main__":
    run(main())
