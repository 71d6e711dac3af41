def twice(n: int) -> int:
    return str(n * 2)  # ERROR


def main():
    print(twice(4))
