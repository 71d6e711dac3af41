"""Seed 000's "Example: Complete Flow", made valid Python: `await` needs `main` to be async, and the
`compute` it calls is defined. Every worker runs as an actor of its own (gather spawns them)."""

from pyvm import gather, run


async def compute(x: int) -> int:
    return x * x


async def worker(id):
    result = await compute(id * 2)
    return result


async def main():
    workers = [worker(i) for i in range(100)]
    results = await gather(workers)
    print(f"Completed {len(results)} tasks")


if __name__ == "__main__":
    run(main())
