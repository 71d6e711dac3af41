def twice(x):
    return x + x


def first(xs):
    return xs[0]


def largest(a, b):
    if a > b:
        return a
    return b


def apply(f, x):
    return f(x)


def count_matching(xs, target):
    n = 0
    for x in xs:
        if x == target:
            n += 1
    return n


def main():
    print(twice(21), twice(1.25), twice("ab"), twice([1, 2]))
    print(first([3, 4]), first("xyz"), first(["p", "q"]), first((9, 8)))
    print(largest(3, 7), largest("pear", "apple"), largest(2.5, -1.0))
    print(apply(lambda n: n * n, 12), apply(lambda s: s.upper(), "shout"))
    print(count_matching([1, 2, 1, 1], 1), count_matching("banana", "a"))
