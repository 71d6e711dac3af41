def main():
    print(abs(-5), abs(5), abs(-2.5), abs(0))
    print(min(3, 1, 2), max(3, 1, 2), min(2.5, 1.5), max(-1, -2))
    xs = [4, -7, 12, 0, 3]
    print(min(xs), max(xs), sum(xs), len(xs))
    fs = [0.5, 2.25, -1.0]
    print(min(fs), max(fs), sum(fs))
    print(sum([0.1] * 10), sum([1, 2, 3]) / 3)
    names = ["mia", "al", "zoe", "bo"]
    print(min(names), max(names), min("b", "a", "c"))
    empty: list[int] = []
    print(sum(empty))
    print(max([len(n) for n in names]), min([n[-1] for n in names]))
    print(max(min(5, 10), 7), abs(min(-3, 3)))
    big = [2 ** 60, 2 ** 61, 2 ** 59]
    print(sum(big), max(big) - min(big))


if __name__ == "__main__":
    main()
