TEXT = ("PyVM compiles a statically typed subset of Python to native code, "
        "keeping the familiar syntax while catching type errors before the program runs.")


def wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def justify(line: str, width: int) -> str:
    words = line.split()
    if len(words) == 1:
        return line
    gaps = len(words) - 1
    spaces = width - sum([len(w) for w in words])
    out = ""
    for i, w in enumerate(words):
        out += w
        if i < gaps:
            out += " " * (spaces // gaps + (1 if i < spaces % gaps else 0))
    return out


def main():
    lines = wrap(TEXT, 30)
    for line in lines:
        print(f"|{line:<30}|")
    for line in lines:
        print(f"|{line:>30}|")
    for line in lines:
        print(f"|{line:^30}|")
    for line in lines[:-1]:
        print(f"|{justify(line, 30)}|")
    print(len(lines), max([len(x) for x in lines]))


if __name__ == "__main__":
    main()
