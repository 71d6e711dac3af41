def main():
    ages: dict[str, int] = {"ann": 31}
    ages[5] = 40  # ERROR
    print(ages)
