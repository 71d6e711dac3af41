OPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a // b,
    "max": lambda a, b: max(a, b),
}


def rpn(expr: str) -> int:
    stack: list[int] = []
    for tok in expr.split():
        if tok in OPS:
            b = stack.pop()
            a = stack.pop()
            stack.append(OPS[tok](a, b))
        else:
            stack.append(int(tok))
    return stack[0]


def main():
    for expr in ["3 4 +", "5 1 2 + 4 * + 3 -", "2 3 4 * +", "100 7 / 3 max", "1 2 - 10 *"]:
        print(f"{expr:<22} = {rpn(expr)}")
    unary = {"neg": lambda x: -x, "sq": lambda x: x * x, "half": lambda x: x // 2}
    for name in ["neg", "sq", "half"]:
        print(name, unary[name](9))
    print(sorted(OPS.keys()))


if __name__ == "__main__":
    main()
