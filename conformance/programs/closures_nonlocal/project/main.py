def make_counter(start: int):
    count = start

    def increment() -> int:
        nonlocal count
        count += 1
        return count

    return increment


def make_accumulator():
    total = 0.0
    history: list[float] = []

    def add(x: float) -> float:
        nonlocal total
        total += x
        history.append(x)
        return total

    def report() -> str:
        return f"{len(history)} values, total {total}"

    return add, report


def outer() -> int:
    x = 1

    def middle() -> int:
        nonlocal x
        x += 10

        def inner() -> int:
            nonlocal x
            x *= 2
            return x

        return inner()

    middle()
    return x


def main():
    c1 = make_counter(0)
    c2 = make_counter(100)
    print(c1(), c1(), c1(), c2(), c1(), c2())
    add, report = make_accumulator()
    add(1.5)
    add(2.25)
    print(add(-0.75), report())
    print(outer())
    step = 0

    def bump() -> None:
        nonlocal step
        step += 5

    bump()
    bump()
    print("step", step)


if __name__ == "__main__":
    main()
