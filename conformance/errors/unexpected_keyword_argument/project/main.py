def f(a: int, b: int = 2) -> int:
    return a + b


def main():
    print(f(1, c=3))  # ERROR
