def classify(x: int) -> str:
    if x < 0:
        return "negative"
    elif 0 <= x < 10:
        return "small"
    elif 10 <= x < 100:
        return "medium"
    else:
        return "large"


def mid() -> int:
    print("mid evaluated")
    return 5


def main():
    for v in [-5, 0, 9, 10, 99, 100, 12345]:
        print(v, classify(v))
    a, b, c = 1, 2, 3
    print(a < b < c, a < b > c, a == 1 == a, c > b >= 2 > a)
    print(1 < 2 < 3 < 4 < 5, 1 < 3 < 2)
    print("apple" < "banana" < "cherry", "b" > "abc", "Z" < "a")
    print(1 != 2 != 1)
    print([1, 2] < [1, 3], [1, 2, 3] > [1, 2], (1, "a") < (1, "b"))
    print(1 < mid() < 10)
    print(10 < mid() < 20)
    print(2.5 <= 2.5 < 3.0, -1.0 < 0.0 < 1.0)


if __name__ == "__main__":
    main()
