def main():
    for word in ["alpha", "beta", "gamma"]:
        print(word, len(word))
    for ch in "hey":
        print(ch, ord(ch))
    for v in (3, 1, 4):
        print("tuple item", v)
    ages = {"ann": 31, "bob": 25, "cy": 40}
    for name in ages:
        print(name, ages[name])
    pairs = [("x", 1), ("y", 2), ("z", 3)]
    for key, num in pairs:
        print(key * num)
    grid = [[1, 2, 3], [4, 5, 6]]
    for row in grid:
        for cell in row:
            print(cell, end=",")
        print()
    total = 0
    for row in grid:
        total += sum(row)
    print("total", total)
    for (a, b), c in [((1, 2), 3), ((4, 5), 6)]:
        print(a + b + c)
    letters = ""
    for ch in "a-b-c":
        if ch != "-":
            letters += ch.upper()
    print(letters)
