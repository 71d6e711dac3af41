from pyvm import gather, run

RESULTS: list[int] = []


async def worker(n: int) -> int:
    RESULTS.append(n)  # ERROR: every actor would share this list
    return n


async def main():
    print(await gather([worker(i) for i in range(3)]))


if __name__ == "__main__":
    run(main())
