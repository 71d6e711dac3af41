def area(n: int) -> int:
    return n * n


class Square:  # ERROR
    side = 1
