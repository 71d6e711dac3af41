def main():
    ages = {"ann": 31}
    print(ages.get("ann"))  # ERROR
