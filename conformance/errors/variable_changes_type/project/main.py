def main():
    x = 1
    print(x)
    x = "one"  # ERROR
    print(x)
