# A program with a syntax error on line 5.


def main():
    print("Hello"
