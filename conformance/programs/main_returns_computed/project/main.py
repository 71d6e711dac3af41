def answer() -> int:
    total = 0
    for i in range(1, 8):
        total += i
    return total + 14


def main() -> int:
    value = answer()
    if value < 0:
        print("negative")
        return 1
    print("value", value)
    return value
