def trace(f):
    return f


@trace  # ERROR
def helper() -> int:
    return 1


def main():
    print(helper())
