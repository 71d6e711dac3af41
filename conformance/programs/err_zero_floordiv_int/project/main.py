def main():
    divisors = [5, 3, 0]
    total = 100
    for d in divisors:
        total = total // d
        print("total", total)


if __name__ == "__main__":
    main()
