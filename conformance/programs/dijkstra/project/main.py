EDGES = [
    ("A", "B", 7), ("A", "C", 9), ("A", "F", 14), ("B", "C", 10), ("B", "D", 15),
    ("C", "D", 11), ("C", "F", 2), ("D", "E", 6), ("E", "F", 9), ("G", "H", 1),
]
INF = 1000000000


def build() -> dict[str, list[tuple[str, int]]]:
    adj: dict[str, list[tuple[str, int]]] = {}
    for a, b, w in EDGES:
        adj.setdefault(a, []).append((b, w))
        adj.setdefault(b, []).append((a, w))
    return adj


def dijkstra(adj: dict[str, list[tuple[str, int]]], source: str) -> tuple[dict[str, int], dict[str, str]]:
    dist = {node: INF for node in adj}
    prev: dict[str, str] = {}
    done: dict[str, bool] = {}
    dist[source] = 0
    while len(done) < len(adj):
        best = ""
        for node in adj:
            if node not in done and (best == "" or dist[node] < dist[best]):
                best = node
        if dist[best] == INF:
            break
        done[best] = True
        for nxt, w in adj[best]:
            if dist[best] + w < dist[nxt]:
                dist[nxt] = dist[best] + w
                prev[nxt] = best
    return dist, prev


def path_to(prev: dict[str, str], target: str) -> list[str]:
    path = [target]
    while path[-1] in prev:
        path.append(prev[path[-1]])
    return path[::-1]


def main():
    adj = build()
    dist, prev = dijkstra(adj, "A")
    for node in sorted(dist.keys()):
        if dist[node] == INF:
            print(node, "unreachable")
        else:
            print(node, dist[node], "->".join(path_to(prev, node)))


if __name__ == "__main__":
    main()
