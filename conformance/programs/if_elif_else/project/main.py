def fizzbuzz(n: int) -> str:
    if n % 15 == 0:
        return "FizzBuzz"
    elif n % 3 == 0:
        return "Fizz"
    elif n % 5 == 0:
        return "Buzz"
    else:
        return str(n)


def is_leap(year: int) -> bool:
    if year % 400 == 0:
        return True
    if year % 100 == 0:
        return False
    return year % 4 == 0


def grade(score: int) -> str:
    if score >= 90:
        letter = "A"
    elif score >= 80:
        letter = "B"
    elif score >= 70:
        letter = "C"
    elif score >= 60:
        letter = "D"
    else:
        letter = "F"
    return letter


def main():
    print(" ".join([fizzbuzz(i) for i in range(1, 21)]))
    for y in [1900, 2000, 2023, 2024, 2100]:
        if is_leap(y):
            print(y, "is a leap year")
        else:
            print(y, "is not a leap year")
    for s in [95, 85, 75, 65, 55, 90, 0]:
        print(s, grade(s))
    x = 0
    if x:
        print("truthy")
    else:
        print("falsy")
    if x == 0:
        pass
    print("after pass")


if __name__ == "__main__":
    main()
