def box(lines: list[str]) -> str:
    width = max([len(s) for s in lines])
    top = "+" + "-" * (width + 2) + "+"
    body = ["| " + s + " " * (width - len(s)) + " |" for s in lines]
    return "\n".join([top] + body + [top])


def diamond(n: int) -> str:
    rows: list[str] = []
    for i in range(n):
        rows.append(" " * (n - i - 1) + "*" * (2 * i + 1))
    for i in range(n - 2, -1, -1):
        rows.append(" " * (n - i - 1) + "*" * (2 * i + 1))
    return "\n".join(rows)


def main():
    print(box(["PyVM", "compiles", "Python"]))
    print(diamond(4))
    s = ""
    for i in range(5):
        s += str(i)
        s += ","
    print(s, s[:-1])
    print("ab" * 3, 3 * "cd", "x" * 0 == "", "-" * 20)
    parts = [f"{k}={v}" for k, v in [("a", 1), ("b", 2)]]
    print("&".join(parts))
    print("Title: " + "py" + "vm".upper() + str(3) + "!")
