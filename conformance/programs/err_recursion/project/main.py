def f(n: int) -> int:
    return f(n + 1)


def main():
    print("starting")
    print(f(0))


if __name__ == "__main__":
    main()
