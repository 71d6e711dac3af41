def gcd(a: int, b: int) -> int:
    assert a >= 0 and b >= 0, "gcd needs non-negative numbers"
    while b:
        a, b = b, a % b
    return a


def main() -> int:
    assert True
    assert 1 + 1 == 2, "arithmetic is broken"
    xs = [3, 1, 2]
    assert len(xs) == 3
    assert sorted(xs) == [1, 2, 3], f"sorted gave {sorted(xs)}"
    assert "b" in "abc"
    print(gcd(48, 18), gcd(17, 5), gcd(0, 9))
    assert gcd(100, 75) == 25
    print("all assertions held")
    return 0
