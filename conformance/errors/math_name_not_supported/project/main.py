from math import sqrt, gcd  # ERROR


def main():
    print(sqrt(gcd(4, 6)))
