def describe(n: int):
    if n > 0:
        return n
    return "negative"  # ERROR


def main():
    print(describe(1))
