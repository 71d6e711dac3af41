def main():
    stock = {"apple": 3, "pear": 0}
    print(stock.get("apple", -1), stock.get("kiwi", -1))
    print(stock.setdefault("kiwi", 7), stock.setdefault("apple", 99))
    print(stock)
    print(stock.pop("pear"), stock)
    print(stock.pop("mango", 42), stock)
    del stock["kiwi"]
    print(stock, len(stock))
    stock["banana"] = 12
    stock["apple"] += 1
    print(stock)
    groups: dict[str, list[str]] = {}
    for word in ["ant", "bee", "asp", "bat", "cow", "ape"]:
        groups.setdefault(word[0], []).append(word)
    print(groups)
    counts: dict[str, int] = {}
    for ch in "mississippi":
        counts[ch] = counts.get(ch, 0) + 1
    print(counts)
    keys = [k for k in counts.keys()]
    values = [v for v in counts.values()]
    items = [(k, v) for k, v in counts.items()]
    print(keys, values, items)
    empty: dict[str, int] = {}
    print(empty, len(empty), bool(empty), bool(counts))
    nested = {"a": {"x": 1}, "b": {"y": 2}}
    nested["a"]["z"] = 3
    print(nested)
