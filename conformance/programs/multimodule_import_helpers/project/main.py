import helpers


def main():
    print(helpers.VERSION)
    print(helpers.shout("hello"))
    print(helpers.total([1, 2, 3, 4]))
    print(helpers.VERSION.upper(), len(helpers.NAMES), helpers.NAMES[-1])
    print([helpers.square(x) for x in range(5)])


if __name__ == "__main__":
    main()
