def ratio(a: int, b: int) -> float:
    return a / b


def main():
    pairs = [(10, 4), (9, 3), (1, 0), (5, 5)]
    for a, b in pairs:
        print(a, b, ratio(a, b))


if __name__ == "__main__":
    main()
