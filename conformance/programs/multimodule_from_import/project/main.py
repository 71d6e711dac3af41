from utils import clamp, mean, SCALE, describe


def main():
    print(clamp(15, 0, 10), clamp(-3, 0, 10), clamp(4, 0, 10))
    print(mean([1.0, 2.0, 4.5]))
    print(SCALE * 2.0)
    print(describe(3), describe(-1))
