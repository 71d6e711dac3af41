"""The example project: a few functions, a loop and an f-string."""


def fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def main() -> int:
    for n in (10, 20, 30):
        print(f"fib({n}) = {fib(n)}")
    return 0
