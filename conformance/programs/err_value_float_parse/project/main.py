def parse(values: list[str]) -> list[float]:
    return [float(v) for v in values]


def main():
    print(parse(["1.5", "2e3", "-0.25"]))
    print(parse(["4", "x"]))


if __name__ == "__main__":
    main()
