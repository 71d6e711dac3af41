def kind(x):
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return "int"
    if isinstance(x, float):
        return "float"
    if isinstance(x, str):
        return "str"
    if isinstance(x, list):
        return "list"
    if isinstance(x, dict):
        return "dict"
    if isinstance(x, tuple):
        return "tuple"
    return "other"


def describe(x):
    return f"{x!r} is {kind(x)}"


def main():
    print(describe(3))
    print(describe(2.5))
    print(describe("s"))
    print(describe(True))
    print(describe([1, 2]))
    print(describe({"k": 1}))
    print(describe((1, "a")))
    print(isinstance(True, int), isinstance(1, bool), isinstance(1, float), isinstance(1.0, float))
    print(isinstance("x", str), isinstance([1], list), isinstance({"a": 1}, dict), isinstance((1,), tuple))
