# Binary trees without classes: each tree is an arena of child indices (-1 for a leaf's children),
# built fresh for every tree so that allocation and collection dominate, as in the original.

def make(depth: int) -> list[int]:
    nodes = [0] * (2 * ((1 << (depth + 1)) - 1))
    count = 1
    stack = [(0, depth)]
    while stack:
        node, d = stack.pop()
        if d == 0:
            nodes[2 * node] = -1
            nodes[2 * node + 1] = -1
        else:
            nodes[2 * node] = count
            nodes[2 * node + 1] = count + 1
            stack.append((count, d - 1))
            stack.append((count + 1, d - 1))
            count += 2
    return nodes


def check(nodes: list[int]) -> int:
    total = 0
    stack = [0]
    while stack:
        node = stack.pop()
        total += 1
        left = nodes[2 * node]
        if left >= 0:
            stack.append(left)
            stack.append(nodes[2 * node + 1])
    return total


def main():
    max_depth = 15
    stretch = max_depth + 1
    print(f"stretch tree of depth {stretch}\t check: {check(make(stretch))}")
    long_lived = make(max_depth)
    for depth in range(4, max_depth + 1, 2):
        iterations = 1 << (max_depth - depth + 4)
        total = 0
        for _ in range(iterations):
            total += check(make(depth))
        print(f"{iterations}\t trees of depth {depth}\t check: {total}")
    print(f"long lived tree of depth {max_depth}\t check: {check(long_lived)}")
