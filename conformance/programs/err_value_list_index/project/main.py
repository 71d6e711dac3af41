def main():
    xs = [4, 8, 15, 16, 23, 42]
    print(xs.index(15))
    print(xs.index(42))
    print(xs.index(7))


if __name__ == "__main__":
    main()
