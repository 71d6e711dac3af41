def scale(x: int, *, factor: int = 2) -> int:  # ERROR
    return x * factor


def main():
    print(scale(3, factor=4))
