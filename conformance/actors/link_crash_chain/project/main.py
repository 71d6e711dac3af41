from pyvm import Pid, link, monitor, receive, run, self_pid, send, spawn


async def leaf(parent: Pid):
    await send(parent, "leaf ready")
    msg = await receive()
    if msg == "boom":
        table: dict[str, int] = {}
        print(table["leaf"])


async def branch(parent: Pid):
    l = spawn(leaf(parent))
    link(l)
    await send(parent, l)
    await receive()


async def main():
    b = spawn(branch(self_pid()))
    ref = monitor(b)
    ready = await receive(where=lambda m: m == "leaf ready")
    print(ready)
    l: Pid = await receive()
    await send(l, "boom")
    msg = await receive()
    match msg:
        case ("DOWN", _, _, str(reason)):
            print("branch died with:", reason)


if __name__ == "__main__":
    run(main())
