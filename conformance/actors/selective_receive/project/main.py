from pyvm import receive, run, self_pid, send


def is_urgent(m) -> bool:
    match m:
        case ("urgent", _):
            return True
    return False


async def main():
    me = self_pid()
    await send(me, ("normal", 1))
    await send(me, ("urgent", 2))
    await send(me, ("normal", 3))
    await send(me, ("urgent", 4))
    await send(me, "end")
    first = await receive(where=is_urgent)
    print("first urgent:", first)
    second = await receive(where=is_urgent)
    print("second urgent:", second)
    none_left = await receive(timeout=0, where=is_urgent)
    print("no more urgent:", none_left is None)
    end = await receive(where=lambda m: m == "end")
    print("picked:", end)
    for _ in range(2):
        print("in order:", await receive())


if __name__ == "__main__":
    run(main())
