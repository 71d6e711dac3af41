from math import sqrt


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def variance(xs: list[float]) -> float:
    m = mean(xs)
    return sum([(x - m) ** 2 for x in xs]) / (len(xs) - 1)


def median(xs: list[float]) -> float:
    s = sorted(xs)
    n = len(s)
    if n % 2 == 1:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2


def moving_average(xs: list[float], k: int) -> list[float]:
    return [sum(xs[i:i + k]) / k for i in range(len(xs) - k + 1)]


def main():
    data = [2.5, 3.75, 1.0, 8.25, 4.5, 4.5, 6.0, 0.5]
    print(mean(data), variance(data), sqrt(variance(data)))
    print(f"mean={mean(data):.3f} sd={sqrt(variance(data)):.3f} median={median(data)}")
    print(median([3.0, 1.0, 2.0]), min(data), max(data))
    print([round(v, 3) for v in moving_average(data, 3)])
    ints = [3, 1, 4, 1, 5, 9, 2, 6]
    as_float = [float(i) for i in ints]
    print(mean(as_float), median(as_float), sum(ints) / len(ints))
