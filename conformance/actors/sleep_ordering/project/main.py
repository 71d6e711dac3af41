from pyvm import Pid, receive, run, self_pid, send, sleep, spawn


async def sleeper(parent: Pid, label: str, seconds: float):
    await sleep(seconds)
    await send(parent, label)


async def main():
    me = self_pid()
    spawn(sleeper(me, "slow", 0.4))
    spawn(sleeper(me, "fast", 0.0))
    spawn(sleeper(me, "medium", 0.2))
    order: list[str] = []
    for _ in range(3):
        label: str = await receive()
        order.append(label)
    print(order)
    await sleep(0.01)
    print("main slept too")


if __name__ == "__main__":
    run(main())
