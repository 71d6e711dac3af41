from math import sqrt

from vectors import add, scale, sub


def distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    d = sub(a, b)
    return sqrt(d[0] * d[0] + d[1] * d[1])


def perimeter(points: list[tuple[float, float]]) -> float:
    total = 0.0
    for i in range(len(points)):
        total += distance(points[i], points[(i + 1) % len(points)])
    return total


def centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    acc = (0.0, 0.0)
    for p in points:
        acc = add(acc, p)
    return scale(acc, 1.0 / len(points))
