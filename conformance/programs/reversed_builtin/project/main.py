def main():
    xs = [1, 2, 3, 4]
    for x in reversed(xs):
        print(x, end=" ")
    print()
    print([x * 10 for x in reversed(xs)], xs)
    for i in reversed(range(5)):
        print(i, end=" ")
    print()
    words = "one two three".split()
    print(" ".join(reversed(words)))
    print([c for c in reversed(["a", "b"])])
    countdown = [n for n in reversed(range(0, 10, 3))]
    print(countdown)
    acc = ""
    for ch in reversed("abc"):
        acc += ch
    print(acc)
