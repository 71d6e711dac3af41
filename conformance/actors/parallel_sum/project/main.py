from pyvm import gather, run


async def chunk_sum(lo: int, hi: int) -> int:
    total = 0
    for i in range(lo, hi):
        total += i * i
    return total


async def main():
    n = 100000
    chunks = 16
    size = n // chunks
    parts = await gather([chunk_sum(k * size, (k + 1) * size) for k in range(chunks)])
    print("chunks:", len(parts))
    print("parallel:", sum(parts))
    print("serial:  ", sum([i * i for i in range(n)]))


if __name__ == "__main__":
    run(main())
