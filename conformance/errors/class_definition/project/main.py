class Point:  # ERROR
    def __init__(self, x: int) -> None:
        self.x = x


def main():
    print("before")
    p = Point(1)
    print(p.x)
