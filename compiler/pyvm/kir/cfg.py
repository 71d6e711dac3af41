"""Control-flow facts every pass needs: predecessors, reverse postorder, dominators, dominance frontiers."""

from __future__ import annotations

from pyvm.kir.ir import Function


def predecessors(fn: Function) -> dict[str, list[str]]:
    preds: dict[str, list[str]] = {b.label: [] for b in fn.blocks}
    for b in fn.blocks:
        for s in b.successors():
            if s in preds and b.label not in preds[s]:
                preds[s].append(b.label)
    return preds


def reverse_postorder(fn: Function) -> list[str]:
    """Blocks reachable from the entry, in reverse postorder (iterative: no recursion limit)."""
    if not fn.blocks:
        return []
    blocks = fn.block_map()
    seen = {fn.entry.label}
    order: list[str] = []
    stack = [(fn.entry.label, iter(fn.entry.successors()))]
    while stack:
        label, succs = stack[-1]
        advanced = False
        for s in succs:
            if s not in seen and s in blocks:
                seen.add(s)
                stack.append((s, iter(blocks[s].successors())))
                advanced = True
                break
        if not advanced:
            order.append(label)
            stack.pop()
    order.reverse()
    return order


def dominators(fn: Function) -> dict[str, str | None]:
    """Immediate dominators of reachable blocks (Cooper, Harvey & Kennedy); the entry maps to None."""
    rpo = reverse_postorder(fn)
    index = {label: i for i, label in enumerate(rpo)}
    preds = predecessors(fn)
    idom: dict[str, str | None] = {rpo[0]: rpo[0]} if rpo else {}

    def intersect(a: str, b: str) -> str:
        while a != b:
            while index[a] > index[b]:
                a = idom[a]
            while index[b] > index[a]:
                b = idom[b]
        return a

    changed = True
    while changed:
        changed = False
        for label in rpo[1:]:
            done = [p for p in preds[label] if p in idom]
            if not done:
                continue
            new = done[0]
            for p in done[1:]:
                new = intersect(p, new)
            if idom.get(label) != new:
                idom[label] = new
                changed = True
    if rpo:
        idom[rpo[0]] = None
    return idom


def dominates(idom: dict[str, str | None], a: str, b: str) -> bool:
    """Does block a dominate block b?"""
    node: str | None = b
    while node is not None:
        if node == a:
            return True
        node = idom.get(node)
    return False


def dominance_frontiers(fn: Function, idom: dict[str, str | None]) -> dict[str, set[str]]:
    preds = predecessors(fn)
    frontier: dict[str, set[str]] = {label: set() for label in idom}
    for label in idom:
        ps = [p for p in preds[label] if p in idom]
        if len(ps) < 2:
            continue
        for p in ps:
            runner: str | None = p
            while runner is not None and runner != idom[label]:
                frontier[runner].add(label)
                runner = idom[runner]
    return frontier


def dominator_tree(idom: dict[str, str | None]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {label: [] for label in idom}
    for label, parent in idom.items():
        if parent is not None:
            children[parent].append(label)
    return children
