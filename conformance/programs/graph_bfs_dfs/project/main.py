GRAPH = {
    1: [2, 3],
    2: [1, 4, 5],
    3: [1, 6],
    4: [2],
    5: [2, 6],
    6: [3, 5, 7],
    7: [6],
    8: [9],
    9: [8],
    10: [],
}


def bfs(start: int) -> dict[int, int]:
    dist = {start: 0}
    queue = [start]
    head = 0
    while head < len(queue):
        node = queue[head]
        head += 1
        for nxt in GRAPH[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


def dfs(node: int, seen: dict[int, bool], order: list[int]) -> None:
    seen[node] = True
    order.append(node)
    for nxt in GRAPH[node]:
        if nxt not in seen:
            dfs(nxt, seen, order)


def dfs_iterative(start: int) -> list[int]:
    seen: dict[int, bool] = {}
    order: list[int] = []
    stack = [start]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen[node] = True
        order.append(node)
        for nxt in reversed(GRAPH[node]):
            if nxt not in seen:
                stack.append(nxt)
    return order


def main():
    print(bfs(1))
    order: list[int] = []
    dfs(1, {}, order)
    print(order)
    print(dfs_iterative(1))
    seen: dict[int, bool] = {}
    components: list[list[int]] = []
    for node in GRAPH:
        if node not in seen:
            comp: list[int] = []
            dfs(node, seen, comp)
            components.append(sorted(comp))
    print(len(components), components)


if __name__ == "__main__":
    main()
