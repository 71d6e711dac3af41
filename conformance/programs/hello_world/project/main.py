GREETING = "Hello, PyVM!"


def main():
    print(GREETING)
    print("Hello", "world")
    print()
    print(42)
    print("The answer is", 6 * 7)


if __name__ == "__main__":
    main()
