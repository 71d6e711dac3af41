COUNT = 0


def bump() -> None:
    global COUNT
    COUNT += 1  # ERROR


def main():
    bump()
    print(COUNT)
