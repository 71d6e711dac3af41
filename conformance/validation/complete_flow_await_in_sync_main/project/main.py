async def worker(id):
    result = await compute(id * 2)
    return result


def main():
    workers = [worker(i) for i in range(100)]
    results = await gather(workers)
    print(f"Completed {len(results)} tasks")
