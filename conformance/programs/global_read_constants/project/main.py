MAX_ITEMS = 5
NAME = "inventory"
WEIGHTS = [1.5, 2.0, 0.25]
CODES = {"a": 1, "b": 2}
SCALE = 2.5


def describe() -> str:
    global NAME
    return f"{NAME} holds at most {MAX_ITEMS} items"


def total_weight() -> float:
    global WEIGHTS
    return sum(WEIGHTS) * SCALE


def code_of(key: str) -> int:
    return CODES.get(key, -1)


def main():
    print(describe())
    print(total_weight())
    print(code_of("a"), code_of("z"))
    items = [i for i in range(10) if i < MAX_ITEMS]
    print(items, len(items) == MAX_ITEMS)
    print(NAME.upper(), WEIGHTS[-1], len(CODES))


if __name__ == "__main__":
    main()
