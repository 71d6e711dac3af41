async def fetch() -> int:  # ERROR
    return 1


def main():
    print("hello")
