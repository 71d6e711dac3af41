GREETING = "Bonjour"
WORDS = ["un", "deux", "trois", "quatre"]


def greet(name: str) -> str:
    return f"{GREETING}, {name}"


def count(n: int) -> str:
    return " ".join(WORDS[:n])
