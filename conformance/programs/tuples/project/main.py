def min_max(xs: list[int]) -> tuple[int, int]:
    lo = xs[0]
    hi = xs[0]
    for x in xs:
        if x < lo:
            lo = x
        if x > hi:
            hi = x
    return lo, hi


def divmod_pair(a: int, b: int) -> tuple[int, int]:
    return (a // b, a % b)


def main():
    point = (3, 4)
    x, y = point
    print(x, y, point, point[0], point[-1], len(point))
    a, b = 1, 2
    a, b = b, a
    print(a, b)
    lo, hi = min_max([5, -2, 9, 0])
    print(lo, hi)
    q, r = divmod_pair(17, 5)
    print(q, r, divmod_pair(-17, 5))
    record = ("Ada", 36, 1.75)
    name, age, height = record
    print(f"{name} is {age} and {height} m tall")
    (p, q2), s = (1, 2), "three"
    print(p, q2, s)
    single = (7,)
    print(single, len(single), single[0])
    nested = ((1, 2), (3, 4))
    print(nested, nested[1][0])
    people = [("bob", 25), ("ann", 31)]
    for who, years in people:
        print(who, years)
    print((1, 2) == (1, 2), (1, 2) < (1, 3), (2, 0) > (1, 9), 3 in (1, 2, 3))
    i, j, k = 10, 20, 30
    print(i + j + k)
    triple = (1, 2.5, "x")
    n, f, label = triple
    print(n, f, label, triple)
