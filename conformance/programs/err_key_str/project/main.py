PRICES = {"apple": 3, "pear": 4}


def main():
    for fruit in ["apple", "pear", "kiwi"]:
        print(fruit, PRICES[fruit])


if __name__ == "__main__":
    main()
