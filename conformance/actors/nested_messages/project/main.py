from pyvm import Pid, receive, run, self_pid, send, sleep, spawn


async def keeper(parent: Pid):
    data: dict[str, list[tuple[int, str]]] = await receive()
    await receive()
    data["b"].append((9, "keeper"))
    await send(parent, data)


async def main():
    k = spawn(keeper(self_pid()))
    data: dict[str, list[tuple[int, str]]] = {"a": [(1, "one")], "b": [(2, "two"), (3, "three")]}
    await send(k, data)
    data["a"].append((4, "four"))
    data["b"][0] = (0, "changed")
    await send(k, "go")
    back: dict[str, list[tuple[int, str]]] = await receive()
    print("mine:", data)
    print("theirs:", back)
    back["a"].append((5, "five"))
    print("lengths:", len(data["a"]), len(back["a"]))


if __name__ == "__main__":
    run(main())
