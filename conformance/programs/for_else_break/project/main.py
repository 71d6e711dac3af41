def first_divisor(n: int) -> int:
    for d in range(2, n):
        if n % d == 0:
            return d
    return n


def main():
    for n in range(2, 20):
        for d in range(2, n):
            if n % d == 0:
                print(n, "=", d, "*", n // d)
                break
        else:
            print(n, "is prime")
    for x in [1, 3, 5]:
        if x % 2 == 0:
            print("found even", x)
            break
    else:
        print("no even number")
    count = 0
    for x in range(10):
        if x % 3 == 0:
            continue
        count += x
    print("sum of non-multiples of 3:", count)
    nothing: list[int] = []
    for x in nothing:
        print("never")
    else:
        print("else after empty loop")
    print(first_divisor(91), first_divisor(97))
    target = 12
    for a in range(1, 10):
        for b in range(1, 10):
            if a * b == target and a < b:
                print("pair", a, b)
    for row in range(3):
        for col in range(3):
            if col > row:
                break
            print(row * 3 + col, end=" ")
    print()


if __name__ == "__main__":
    main()
