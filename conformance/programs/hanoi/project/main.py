def hanoi(n: int, source: str, target: str, spare: str, moves: list[str]) -> None:
    if n == 0:
        return
    hanoi(n - 1, source, spare, target, moves)
    moves.append(f"disc {n}: {source} -> {target}")
    hanoi(n - 1, spare, target, source, moves)


def count_moves(n: int) -> int:
    return 0 if n == 0 else 2 * count_moves(n - 1) + 1


def main():
    moves: list[str] = []
    hanoi(3, "A", "C", "B", moves)
    for m in moves:
        print(m)
    print(len(moves), "moves")
    for n in range(1, 11):
        many: list[str] = []
        hanoi(n, "L", "R", "M", many)
        print(n, len(many), count_moves(n), many[-1])
