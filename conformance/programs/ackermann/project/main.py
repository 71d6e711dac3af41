def ackermann(m: int, n: int) -> int:
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def main():
    print("ackermann(2, 3) =", ackermann(2, 3))
    for m in range(3):
        print(m, [ackermann(m, n) for n in range(5)])
    print("ackermann(3, 3) =", ackermann(3, 3))


if __name__ == "__main__":
    main()
