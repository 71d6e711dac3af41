GREETING = "Hello"
WORDS = ["one", "two", "three", "four"]


def greet(name: str) -> str:
    return f"{GREETING}, {name}"


def count(n: int) -> str:
    return " ".join(WORDS[:n])
