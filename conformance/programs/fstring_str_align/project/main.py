def main():
    for word in ["a", "abc", "abcdefgh", "toolongword"]:
        print(f"[{word:>8}] [{word:<8}] [{word:^8}]")
    print(f"[{'hi':^10}] [{'hi':>6}] [{'hi':<6}] [{'odd':^6}]")
    print(f"[{42:>6}] [{42:<6}] [{42:^6}] [{4.5:^9}]")
    name = "it's"
    print(f"{name!r} {'plain'!r} {'tab\there'!r} {'new\nline'!r}")
    items = [("apple", 3, 0.5), ("kiwi", 12, 0.25), ("watermelon", 1, 3.0)]
    print(f"{'item':<12}{'qty':>5}{'price':>8}")
    for item, qty, price in items:
        print(f"{item:<12}{qty:>5}{price:>8.2f}")
    print(f"{'=' * 25}")
    print(f"{{literal braces}} {'x' + 'y'} {len('four')}")
    print(f"{[1, 2]} {(1, 'a')} {{'k': 1}}")
    quote = "say \"hi\""
    print(f"{quote} {quote!r}")
