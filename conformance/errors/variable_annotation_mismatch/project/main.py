def main():
    n: int = "seven"  # ERROR
    print(n)
