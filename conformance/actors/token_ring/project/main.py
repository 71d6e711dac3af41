from pyvm import Pid, receive, run, self_pid, send, spawn


async def node(index: int, parent: Pid):
    nxt = await receive()
    match nxt:
        case Pid(succ):
            while True:
                token = await receive()
                match token:
                    case int(hops):
                        if hops == 0:
                            await send(parent, ("done", index))
                            await send(succ, "stop")
                            return
                        await send(succ, hops - 1)
                    case _:
                        await send(succ, "stop")
                        return


async def main():
    n = 100
    me = self_pid()
    nodes: list[Pid] = []
    for i in range(n):
        nodes.append(spawn(node(i, me)))
    for i in range(n):
        await send(nodes[i], nodes[(i + 1) % n])
    await send(nodes[0], 1234)
    result = await receive()
    match result:
        case ("done", int(idx)):
            print("token stopped at node", idx)
    print("ring of", n, "nodes")


if __name__ == "__main__":
    run(main())
