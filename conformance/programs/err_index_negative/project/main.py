def last_n(xs: list[str], n: int) -> str:
    return xs[-n]


def main():
    names = ["ann", "bob"]
    print(last_n(names, 1))
    print(last_n(names, 2))
    print(last_n(names, 3))


if __name__ == "__main__":
    main()
