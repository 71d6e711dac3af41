def main():
    xs = [10, 20, 30, 40, 50]
    del xs[0]
    print(xs)
    del xs[-1]
    print(xs)
    del xs[1]
    print(xs, len(xs))
    d = {"a": 1, "b": 2, "c": 3}
    del d["b"]
    print(d, "b" in d)
    d["b"] = 4
    print(d)
    scores = {1: "one", 2: "two", 3: "three"}
    for key in [k for k in scores.keys()]:
        if key % 2 == 1:
            del scores[key]
    print(scores)
    words = ["keep", "drop", "keep", "drop"]
    i = 0
    while i < len(words):
        if words[i] == "drop":
            del words[i]
        else:
            i += 1
    print(words)
    matrix = [[1, 2, 3], [4, 5, 6]]
    del matrix[0][1]
    print(matrix)


if __name__ == "__main__":
    main()
