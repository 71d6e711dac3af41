def add(a: int, b: int) -> int:
    return a + b


def main():
    args = [1, 2]
    print(add(*args))  # ERROR
