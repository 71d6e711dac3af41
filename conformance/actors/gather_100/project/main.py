from pyvm import gather, run, sleep


async def worker(id: int) -> int:
    await sleep(0.001)
    return id * 2


async def main():
    results = await gather([worker(i) for i in range(100)])
    print(f"Completed {len(results)} tasks")
    print("first", results[0], "last", results[99], "sum", sum(results))


if __name__ == "__main__":
    run(main())
