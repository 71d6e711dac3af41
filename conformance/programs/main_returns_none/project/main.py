def report(xs: list[int]) -> None:
    if not xs:
        print("nothing to report")
        return
    print("report:", xs)


def main():
    report([])
    report([1, 2])
    for i in range(10):
        if i == 2:
            print("stopping early")
            return
        print("i", i)
    print("not reached")
