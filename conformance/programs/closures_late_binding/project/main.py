def main():
    fns = [lambda: i * 10 for i in range(3)]
    print([f() for f in fns])
    makers = [make_const(i) for i in range(3)]
    print([m() for m in makers])
    adders = [make_adder(k) for k in range(3)]
    adders.append(make_adder(100))
    print([g(1) for g in adders])
    base = 1
    add_base = lambda n: n + base
    print(add_base(5))
    base = 100
    print(add_base(5))
    label = "before"

    def show() -> str:
        return label

    print(show())
    label = "after"
    print(show())


def make_const(v: int):
    return lambda: v * 10


def make_adder(k: int):
    def add(x: int) -> int:
        return x + k

    return add
