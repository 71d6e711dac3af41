def show(**options: str) -> None:  # ERROR
    print(options)


def main():
    show(color="red")
