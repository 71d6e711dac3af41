from math import sqrt

SAMPLE_NAME = "population statistics"


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def stddev(xs: list[float]) -> float:
    m = mean(xs)
    return sqrt(sum([(x - m) * (x - m) for x in xs]) / len(xs))


def normalise(xs: list[float]) -> list[float]:
    lo = min(xs)
    hi = max(xs)
    return [(x - lo) / (hi - lo) for x in xs]
