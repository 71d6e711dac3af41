from pyvm import gather, run, sleep


async def fine(n: int) -> int:
    await sleep(0.01)
    return n


async def broken(n: int) -> int:
    await sleep(0.02)
    if n > 2:
        return int(f"bad{n}")
    return n


async def main():
    ok = await gather([fine(1), fine(2), broken(1)])
    print("ok:", ok)
    await gather([fine(1), broken(5), fine(3)])
    print("not reached")


if __name__ == "__main__":
    run(main())
