TRANSACTIONS = [
    ("deposit", "alice", 500),
    ("deposit", "bob", 200),
    ("withdraw", "alice", 120),
    ("transfer:bob", "alice", 300),
    ("withdraw", "carol", 10),
    ("withdraw", "bob", 1000),
    ("deposit", "carol", 75),
    ("transfer:carol", "bob", 50),
]


def apply(balances: dict[str, int], kind: str, who: str, amount: int) -> str:
    if kind == "deposit":
        balances[who] = balances.get(who, 0) + amount
        return "ok"
    if who not in balances:
        return f"unknown account {who}"
    if balances[who] < amount:
        return f"insufficient funds: {who} has {balances[who]}"
    balances[who] -= amount
    if kind.startswith("transfer:"):
        target = kind.split(":")[1]
        balances[target] = balances.get(target, 0) + amount
    return "ok"


def main() -> int:
    balances: dict[str, int] = {}
    failures = 0
    for kind, who, amount in TRANSACTIONS:
        result = apply(balances, kind, who, amount)
        if result != "ok":
            failures += 1
        print(f"{kind:<15}{who:<7}{amount:>6}  {result}")
    print("-" * 40)
    for who in sorted(balances.keys()):
        print(f"{who:<10}{balances[who]:>8}")
    print(f"{'total':<10}{sum(balances.values()):>8}")
    return failures
