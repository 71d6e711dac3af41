def append_to(item: int, bucket: list[int] = []) -> list[int]:  # ERROR
    bucket.append(item)
    return bucket


def main():
    print(append_to(1))
    print(append_to(2))
