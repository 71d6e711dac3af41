def main():
    d = {"one": 1, "two": 2, "three": 3}
    for k in d:
        print("key", k)
    for v in d.values():
        print("value", v)
    for k, v in d.items():
        print(k, "->", v)
    print([k for k in d.keys()])
    d["zero"] = 0
    del d["one"]
    d["one"] = 100
    print(d)
    d["two"] = 22
    print(d)
    print(len(d), "two" in d, "four" in d, "four" not in d)
    squares: dict[int, int] = {}
    for i in range(5, 0, -1):
        squares[i] = i * i
    print(squares)
    print(sorted(squares.keys()))
    print(sum([v for v in squares.values()]))
    inverted = {v: k for k, v in d.items()}
    print(inverted)


if __name__ == "__main__":
    main()
