def bucket(n: int, buckets: int) -> int:
    return n % buckets


def main() -> int:
    for size in [4, 2, 1, 0]:
        print("size", size, "bucket", bucket(17, size))
    return 0
