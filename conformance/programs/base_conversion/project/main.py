DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_base(n: int, base: int) -> str:
    if n == 0:
        return "0"
    sign = ""
    if n < 0:
        sign = "-"
        n = -n
    out: list[str] = []
    while n > 0:
        out.append(DIGITS[n % base])
        n //= base
    return sign + "".join(reversed(out))


def from_base(s: str, base: int) -> int:
    value = 0
    for ch in s:
        value = value * base + DIGITS.find(ch)
    return value


def main():
    for n in [0, 5, 255, 1000, -42, 2 ** 40 + 7, 9223372036854775807]:
        b2 = to_base(n, 2)
        b16 = to_base(n, 16)
        print(n, b16, b16 == f"{n:x}", b2 == f"{n:b}", to_base(n, 36))
    print(from_base("ff", 16), from_base("777", 8), from_base("zz", 36), from_base("101010", 2))
    print([to_base(7, b) for b in range(2, 11)])


if __name__ == "__main__":
    main()
