def twice(n: int) -> int:
    return n * 2


def main():
    print(twice("3"))  # ERROR
