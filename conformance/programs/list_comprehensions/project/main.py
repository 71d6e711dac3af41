def main():
    squares = [x * x for x in range(10)]
    print(squares)
    evens = [x for x in range(20) if x % 2 == 0]
    print(evens)
    both = [x for x in range(50) if x % 3 == 0 if x % 5 == 0]
    print(both)
    pairs = [(x, y) for x in range(3) for y in range(3) if x != y]
    print(pairs)
    chars = [c.upper() for c in "hello" if c != "l"]
    print(chars)
    lengths = [len(w) for w in ["a", "bb", "ccc"]]
    print(lengths)
    flat = [n for row in [[1, 2], [3], [4, 5, 6]] for n in row]
    print(flat)
    halves = [x / 2 for x in [1, 2, 3]]
    print(halves)
    words = ["Apple", "bob", "Cat", "dog"]
    caps = [w for w in words if "A" <= w[0] <= "Z"]
    print(caps)
    strs = [str(i) for i in range(5)]
    print(strs, "".join(strs))
    x = 100
    doubled = [x * 2 for x in range(3)]
    print(doubled, x)
    empty = [x for x in range(10) if x > 100]
    print(empty, len(empty))
