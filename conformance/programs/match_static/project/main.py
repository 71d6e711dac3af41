def describe(cmd: tuple[str, int]) -> str:
    match cmd:
        case ("go", 0):
            return "stay"
        case ("go", n) if n > 0:
            return f"forward {n}"
        case ("go", n):
            return f"back {-n}"
        case ("turn" | "spin", n):
            return f"rotate {n}"
        case (name, _) if name.startswith("j"):
            return f"unknown {name}"
        case other:
            return f"ignored {other[0]}"


def classify(x: int) -> str:
    match x:
        case 0:
            return "zero"
        case 1 | 2 | 3:
            return "small"
        case -1:
            return "minus one"
        case int(v) if v % 2 == 0:
            return "even"
        case _:
            return "odd"


def shape(xs: list[int]) -> str:
    match xs:
        case []:
            return "empty"
        case [a]:
            return f"one {a}"
        case [a, b] if a == b:
            return "pair of equals"
        case [a, b]:
            return f"pair {a + b}"
        case _:
            return f"many {len(xs)}"


def flag(b: bool) -> str:
    match b:
        case True:
            return "yes"
        case _:
            return "no"


def main():
    for c in [("go", 0), ("go", 3), ("go", -2), ("turn", 90), ("spin", 1), ("jump", 5), ("sit", 1)]:
        print(describe(c))
    print([classify(x) for x in [0, 2, 3, -1, 10, 7]])
    print([shape(xs) for xs in [[], [4], [5, 5], [1, 2], [1, 2, 3]]])
    print(flag(True), flag(False))
    word = "hello"
    match word:
        case "bye":
            print("leaving")
        case str(w):
            print("said", w)
    matched = False
    match 5:
        case 6:
            matched = True
    print("fell through:", not matched)
