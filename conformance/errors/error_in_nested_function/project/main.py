def main():
    base = 10

    def shifted(label: str) -> str:
        return base + label  # ERROR

    print(shifted("x"))
