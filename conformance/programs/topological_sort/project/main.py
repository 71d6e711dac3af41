def topo(deps: dict[str, list[str]]) -> list[str]:
    indegree = {task: 0 for task in deps}
    for task in deps:
        for d in deps[task]:
            indegree[task] += 1
    users: dict[str, list[str]] = {task: [] for task in deps}
    for task, needs in deps.items():
        for d in needs:
            users[d].append(task)
    ready = sorted([t for t, n in indegree.items() if n == 0])
    order: list[str] = []
    while ready:
        task = ready.pop(0)
        order.append(task)
        for u in users[task]:
            indegree[u] -= 1
            if indegree[u] == 0:
                ready.append(u)
                ready.sort()
    return order


def main():
    deps = {
        "compile": ["parse", "typecheck"],
        "parse": ["lex"],
        "lex": [],
        "typecheck": ["parse"],
        "link": ["compile", "runtime"],
        "runtime": [],
        "test": ["link"],
    }
    order = topo(deps)
    print(" -> ".join(order))
    print(len(order) == len(deps))
    cyclic = {"a": ["c"], "b": ["a"], "c": ["b"], "d": []}
    partial = topo(cyclic)
    print(partial, "cycle" if len(partial) < len(cyclic) else "no cycle")
