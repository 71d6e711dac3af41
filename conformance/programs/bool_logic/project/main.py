def describe(flag: bool) -> str:
    return "yes" if flag else "no"


def noisy(name: str, value: bool) -> bool:
    print("eval", name)
    return value


def main():
    t = True
    f = False
    print(t and f, t or f, not t, not f)
    print(t and t, f or f)
    print(1 and 2, 0 and 2, 1 or 2, 0 or 2)
    print("" or "default", "value" or "default", "a" and "b", "" and "b")
    empty: list[int] = []
    print(not empty, not [0], bool(empty), bool([1]))
    print(bool(0), bool(-1), bool(0.0), bool(""), bool(" "))
    print(describe(3 > 2), describe(2 > 3))
    x = 5
    print(x > 0 and x < 10, x < 0 or x > 4, not x == 5)
    print(noisy("a", False) and noisy("b", True))
    print(noisy("c", True) or noisy("d", True))
    print(noisy("e", True) and noisy("f", False))
    print(noisy("g", False) or noisy("h", False))
    name = ""
    shown = name or "anonymous"
    print(shown)
    if bool(empty) or x > 3:
        print("branch taken")
    if not (x > 3 and bool(empty)):
        print("negated branch taken")


if __name__ == "__main__":
    main()
