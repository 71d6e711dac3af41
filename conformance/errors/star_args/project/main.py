def total(*nums: int) -> int:  # ERROR
    return sum(nums)


def main():
    print(total(1, 2, 3))
