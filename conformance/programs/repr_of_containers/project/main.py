def main():
    no_ints: list[int] = []
    print([1, 2, 3], no_ints, [[1], [2, 3]])
    print(["a", "it's", 'say "hi"', "both ' and \""])
    print({"k": 1, "j": 2}, {1: "one"}, {"nested": [1.5, 2.0]})
    print((1,), (1, 2), ("a", 1, 2.5, True), ((1, 2), [3]))
    print([True, False], [0.1, -0.0, 1e16], [[0.5], []])
    print(["tab\t", "nl\n", "back\\slash", "é", ""])
    print(f"{'x'!r} {[1, 2]!r} {'q'}")
    print(str(["a"]), str(("b",)), str({"c": ["d"]}))
    grid = [["." for _ in range(3)] for _ in range(2)]
    print(grid)
    print({(1, 2): "pair", (3, 4): "other"})
    print([(i, chr(97 + i)) for i in range(3)])
    print({"empty": [], "full": [1]})
