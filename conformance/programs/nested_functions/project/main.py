def render_table(rows: list[list[int]]) -> str:
    width = max([len(str(v)) for row in rows for v in row])

    def cell(v: int) -> str:
        text = str(v)
        return " " * (width - len(text)) + text

    def line(row: list[int]) -> str:
        return " ".join([cell(v) for v in row])

    return "\n".join([line(r) for r in rows])


def count_paths(n: int) -> int:
    def walk(r: int, c: int) -> int:
        if r == n or c == n:
            return 1
        return walk(r + 1, c) + walk(r, c + 1)

    return walk(0, 0)


def main():
    print(render_table([[1, 20, 3], [400, 5, 60]]))
    print([count_paths(n) for n in range(1, 7)])

    def shout(s: str) -> str:
        return s.upper() + "!"

    print(shout("nested"))
