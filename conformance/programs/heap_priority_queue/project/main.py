def push(heap: list[int], value: int) -> None:
    heap.append(value)
    i = len(heap) - 1
    while i > 0:
        parent = (i - 1) // 2
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent


def pop(heap: list[int]) -> int:
    top = heap[0]
    last = heap.pop()
    if heap:
        heap[0] = last
        i = 0
        n = len(heap)
        while True:
            smallest = i
            for child in [2 * i + 1, 2 * i + 2]:
                if child < n and heap[child] < heap[smallest]:
                    smallest = child
            if smallest == i:
                break
            heap[i], heap[smallest] = heap[smallest], heap[i]
            i = smallest
    return top


def heapsort(xs: list[int]) -> list[int]:
    heap: list[int] = []
    for x in xs:
        push(heap, x)
    return [pop(heap) for _ in range(len(xs))]


def main():
    heap: list[int] = []
    for v in [5, 3, 8, 1, 9, 2, 7]:
        push(heap, v)
        print("push", v, "min", heap[0], "size", len(heap))
    out: list[int] = []
    while heap:
        out.append(pop(heap))
    print(out)
    data = [(i * 37) % 101 for i in range(60)]
    print(heapsort(data) == sorted(data), heapsort(data)[:10])
    tasks: list[tuple[int, str]] = []
    for prio, name in [(3, "write"), (1, "plan"), (2, "code"), (1, "coffee"), (5, "ship")]:
        tasks.append((prio, name))
    tasks.sort()
    print([name for _, name in tasks])


if __name__ == "__main__":
    main()
