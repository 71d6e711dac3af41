BLOCKED = [(1, 1), (2, 3), (3, 0)]


def paths(r: int, c: int, rows: int, cols: int, memo: dict[tuple[int, int], int]) -> int:
    if (r, c) in BLOCKED:
        return 0
    if r == rows - 1 and c == cols - 1:
        return 1
    if r >= rows or c >= cols:
        return 0
    key = (r, c)
    if key in memo:
        return memo[key]
    total = paths(r + 1, c, rows, cols, memo) + paths(r, c + 1, rows, cols, memo)
    memo[key] = total
    return total


def main():
    memo: dict[tuple[int, int], int] = {}
    print(paths(0, 0, 5, 5, memo))
    print(len(memo), memo[(0, 0)], (4, 4) in memo)
    counts: dict[tuple[int, int], int] = {}
    for a in range(3):
        for b in range(3):
            counts[(a % 2, b % 2)] = counts.get((a % 2, b % 2), 0) + 1
    print(counts)
    print(paths(0, 0, 16, 16, {}))


if __name__ == "__main__":
    main()
