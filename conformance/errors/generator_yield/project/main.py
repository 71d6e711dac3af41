def count_up(n: int):
    i = 0
    while i < n:
        yield i  # ERROR
        i += 1


def main():
    for x in count_up(3):
        print(x)
