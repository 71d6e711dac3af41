def tokenize(src: str) -> list[str]:
    tokens: list[str] = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit():
            j = i
            while j < len(src) and src[j].isdigit():
                j += 1
            tokens.append(src[i:j])
            i = j
        else:
            tokens.append(ch)
            i += 1
    return tokens


def parse_expr(tokens: list[str], pos: int) -> tuple[int, int]:
    value, pos = parse_term(tokens, pos)
    while pos < len(tokens) and tokens[pos] in "+-":
        op = tokens[pos]
        rhs, pos = parse_term(tokens, pos + 1)
        value = value + rhs if op == "+" else value - rhs
    return value, pos


def parse_term(tokens: list[str], pos: int) -> tuple[int, int]:
    value, pos = parse_factor(tokens, pos)
    while pos < len(tokens) and tokens[pos] in "*/%":
        op = tokens[pos]
        rhs, pos = parse_factor(tokens, pos + 1)
        if op == "*":
            value *= rhs
        elif op == "/":
            value //= rhs
        else:
            value %= rhs
    return value, pos


def parse_factor(tokens: list[str], pos: int) -> tuple[int, int]:
    tok = tokens[pos]
    if tok == "-":
        value, pos = parse_factor(tokens, pos + 1)
        return -value, pos
    if tok == "(":
        value, pos = parse_expr(tokens, pos + 1)
        return value, pos + 1
    return int(tok), pos + 1


def evaluate(src: str) -> int:
    value, _ = parse_expr(tokenize(src), 0)
    return value


def main():
    for src in ["1 + 2 * 3", "(1 + 2) * 3", "100 / 7 % 4", "-(4 - 10) * 2", "2 * (3 + (4 - 1)) * 5",
                "  42  ", "7 - 3 - 2", "-7 / 2", "1000000 * 1000000 * 1000"]:
        print(f"{src} = {evaluate(src)}")
    print(tokenize("12+(34*5)"))
