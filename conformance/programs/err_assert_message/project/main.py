def withdraw(balance: int, amount: int) -> int:
    assert amount <= balance, f"cannot withdraw {amount} from {balance}"
    return balance - amount


def main():
    balance = 100
    for amount in [30, 50, 40]:
        balance = withdraw(balance, amount)
        print("balance", balance)
