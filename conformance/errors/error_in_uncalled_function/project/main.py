def never_called() -> str:
    return "n" + 1  # ERROR


def main():
    print("main runs nothing wrong")
