def f(a: int, b: int) -> int:
    return a + b


def main():
    print(f(1, 2, 3))  # ERROR
