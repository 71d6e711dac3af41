def lookup(table: list[list[int]], r: int, c: int) -> int:
    return table[r][c]


def row_sum(table: list[list[int]], r: int, width: int) -> int:
    return sum([lookup(table, r, c) for c in range(width)])


def report(table: list[list[int]], width: int) -> None:
    for r in range(len(table)):
        print("row", r, row_sum(table, r, width))


def main():
    table = [[1, 2, 3], [4, 5, 6], [7, 8]]
    report(table, 3)


if __name__ == "__main__":
    main()
