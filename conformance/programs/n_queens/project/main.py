def solve(n: int, row: int, cols: list[int], solutions: list[list[int]]) -> None:
    if row == n:
        solutions.append(cols.copy())
        return
    for c in range(n):
        ok = True
        for r in range(row):
            if cols[r] == c or abs(cols[r] - c) == row - r:
                ok = False
                break
        if ok:
            cols.append(c)
            solve(n, row + 1, cols, solutions)
            cols.pop()


def board(cols: list[int]) -> str:
    n = len(cols)
    return "\n".join(["".join(["Q" if cols[r] == c else "." for c in range(n)]) for r in range(n)])


def main():
    for n in range(1, 9):
        found: list[list[int]] = []
        solve(n, 0, [], found)
        print(n, len(found))
    six: list[list[int]] = []
    solve(6, 0, [], six)
    print(six[0])
    print(board(six[0]))
