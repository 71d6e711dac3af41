VOWELS = "aeiou"


def main():
    xs = [3, 1, 4, 1, 5]
    print(4 in xs, 9 in xs, 9 not in xs)
    print("ell" in "hello", "" in "abc", "xyz" not in "abc", "H" in "hello")
    d = {"a": 1, "b": 2}
    print("a" in d, "b" in d, "c" not in d)
    print(2 in (1, 2, 3), "q" in ("p", "r"))
    print(5 in range(10), 10 in range(10), 4 in range(0, 10, 2), 5 in range(0, 10, 2))
    word = "programming"
    print([c for c in word if c in VOWELS])
    print(len([c for c in word if c not in VOWELS]))
    names = ["ann", "bob"]
    for candidate in ["bob", "cy"]:
        if candidate in names:
            print(candidate, "known")
        else:
            print(candidate, "unknown")
    print([1, 2] in [[1, 2], [3]], 2.5 in [1.0, 2.5])
