def check(n: int) -> int:
    if n < 0:
        raise ValueError("negative")  # ERROR
    return n


def main():
    print(check(3))
