def show(label: str, xs: list[int]) -> None:
    print(label, xs)


def main():
    show("range(5)", [i for i in range(5)])
    show("range(2, 8)", [i for i in range(2, 8)])
    show("range(0, 20, 5)", [i for i in range(0, 20, 5)])
    show("range(10, 0, -3)", [i for i in range(10, 0, -3)])
    show("range(5, 5)", [i for i in range(5, 5)])
    show("range(5, 0)", [i for i in range(5, 0)])
    show("range(-5, 5, 2)", [i for i in range(-5, 5, 2)])
    show("range(0, -10, -4)", [i for i in range(0, -10, -4)])
    show("range(-3)", [i for i in range(-3)])
    total = 0
    for i in range(1, 101):
        total += i
    print("sum 1..100 =", total)
    for i in range(3):
        for j in range(i, 3):
            print(f"({i},{j})", end=" ")
    print()
    xs = [10, 20, 30]
    for i in range(len(xs) - 1, -1, -1):
        print(i, xs[i])
    n = 4
    for i in range(n):
        n = 2
        print("i", i)
    print("n", n)


if __name__ == "__main__":
    main()
