def main():
    print(int("42"), int("-17"), int("  8 "), int("007"), int("+3"))
    print(int(3.99), int(-3.99), int(0.0), int(True), int(False))
    print(float("3.25"), float("-0.5"), float("10"), float(" 1e2 "), float(7))
    print(str(42), str(-0.5), str(True), str(None), str("x"), str(1e16))
    print(bool(1), bool(0), bool(""), bool("False"), bool(0.0), bool(-0.1))
    print(str([1, 2]), str({"a": 1}), str((1, "b")))
    total = 0
    for token in "10 20 x 30".split():
        if token.isdigit():
            total += int(token)
    print(total)
    print(int(str(12345)[::-1]) + 1)
    print(float(int("12")) / 5, int(float("2.5") * 4))
    print(len(str(2 ** 40)), str(3) * 3, int("3" * 3))
    print(int(1e15), int(-2.5e3), float(2 ** 31))
