VERSION = "helpers v1"
NAMES = ["ann", "bob", "cy"]


def shout(s: str) -> str:
    return s.upper() + "!"


def total(xs: list[int]) -> int:
    acc = 0
    for x in xs:
        acc += x
    return acc


def square(x: int) -> int:
    return x * x
