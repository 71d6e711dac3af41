def main():
    big = 18446744073709551616  # ERROR
    print(big)
