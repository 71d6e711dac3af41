def my_map(f, xs):
    return [f(x) for x in xs]


def my_filter(pred, xs):
    return [x for x in xs if pred(x)]


def my_reduce(f, xs, initial):
    acc = initial
    for x in xs:
        acc = f(acc, x)
    return acc


def compose(f, g):
    return lambda x: f(g(x))


def adder(n: int):
    return lambda x: x + n


def square(x: int) -> int:
    return x * x


def main():
    nums = [1, 2, 3, 4, 5, 6]
    print(my_map(lambda x: x * 3, nums))
    print(my_map(square, nums))
    print(my_filter(lambda x: x % 2 == 0, nums))
    print(my_reduce(lambda a, b: a + b, nums, 0))
    print(my_reduce(lambda a, b: a * b, nums, 1))
    print(my_reduce(lambda acc, w: acc + w[0], ["hello", "every", "year"], ""))
    inc_then_square = compose(square, adder(1))
    square_then_inc = compose(adder(1), square)
    print(inc_then_square(4), square_then_inc(4))
    add5 = adder(5)
    print(add5(10), adder(-1)(0))
    pipeline = [adder(2), adder(10), adder(-3)]
    value = 3
    for step in pipeline:
        value = step(value)
    print(value)
    print(my_map(lambda s: s.upper(), ["a", "b"]), my_map(lambda f: f * 0.5, [1.0, 3.0]))
    print((lambda a, b: a * 10 + b)(4, 2))
