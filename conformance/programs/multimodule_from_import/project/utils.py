SCALE = 1.5


def clamp(x: int, lo: int, hi: int) -> int:
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def describe(n: int) -> str:
    return f"{n} is {'positive' if n > 0 else 'not positive'}, scaled {n * SCALE}"
