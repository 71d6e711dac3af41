def greet(name: str, greeting: str = "Hello", punct: str = "!") -> str:
    return f"{greeting}, {name}{punct}"


def clamp(value: int, lo: int = 0, hi: int = 100) -> int:
    return max(lo, min(hi, value))


def repeat(text: str, times: int = 3, sep: str = " ") -> str:
    return sep.join([text] * times)


def area(width: float, height: float = 1.0) -> float:
    return width * height


def main():
    print(greet("Ann"))
    print(greet("Bob", "Hi"))
    print(greet("Cy", punct="?"))
    print(greet(greeting="Hey", name="Dee"))
    print(greet("Ed", "Yo", "..."))
    print(clamp(150), clamp(-5), clamp(50), clamp(5, hi=4), clamp(value=5, lo=10))
    print(repeat("ab"), repeat("ab", 2), repeat("ab", sep="-"), repeat(times=1, text="x"))
    print(area(2.0), area(2.0, 3.5), area(height=2.0, width=0.25))
