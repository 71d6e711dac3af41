def sign(n: int) -> str:
    return "+" if n > 0 else "-" if n < 0 else "0"


def main():
    for n in [5, -3, 0]:
        print(n, sign(n))
    xs = [1, 2, 3, 4, 5, 6]
    labels = ["even" if x % 2 == 0 else "odd" for x in xs]
    print(labels)
    a = 10
    b = 20
    print(a if a > b else b)
    s = ""
    print(s if s else "<empty>")
    value = (a * 2) if a < b else (b * 2)
    print(value)
    nested = "big" if a > 100 else ("medium" if a > 5 else "small")
    print(nested)
    print(f"{'pass' if a >= 10 else 'fail'}")
    clipped = [0 if x < 3 else x for x in xs]
    print(clipped)
    print(sum([x if x % 2 else -x for x in xs]))
