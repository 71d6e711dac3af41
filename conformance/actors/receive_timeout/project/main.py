from pyvm import Pid, receive, run, self_pid, send, sleep, spawn


async def late(parent: Pid):
    await sleep(0.3)
    await send(parent, "late reply")


async def main():
    m = await receive(timeout=0.01)
    print("nothing yet:", m)
    spawn(late(self_pid()))
    m = await receive(timeout=0)
    print("poll:", m)
    m = await receive(timeout=5)
    print("got:", m)
    m = await receive(timeout=0.05)
    print("then:", m)


if __name__ == "__main__":
    run(main())
