def main():
    fruits = ["apple", "banana", "cherry"]
    for i, f in enumerate(fruits):
        print(i, f)
    for i, f in enumerate(fruits, start=1):
        print(f"{i}. {f}")
    for i, ch in enumerate("xyz", 10):
        print(i, ch)
    prices = [1.25, 0.5, 3.0]
    for name, price in zip(fruits, prices):
        print(f"{name}: {price:.2f}")
    for a, b in zip([1, 2, 3, 4], [10, 20]):
        print(a, b, a * b)
    for letter, number, flag in zip("abc", [1, 2, 3], [True, False, True]):
        print(letter, number, flag)
    pairs = [(i, s) for i, s in enumerate(["p", "q"])]
    print(pairs)
    dot = 0
    for x, y in zip([1, 2, 3], [4, 5, 6]):
        dot += x * y
    print("dot", dot)
    for idx, (x, y) in enumerate(zip([7, 8], [9, 10])):
        print(idx, x, y)
    print([p + q for p, q in zip("ab", "cd")])


if __name__ == "__main__":
    main()
