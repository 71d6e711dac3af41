def main():
    rolls = [(a * b + a + b) % 6 + 1 for a in range(6) for b in range(7)]
    counts: dict[int, int] = {}
    for r in rolls:
        counts[r] = counts.get(r, 0) + 1
    total = len(rolls)
    for face in sorted(counts.keys()):
        n = counts[face]
        print(f"{face:>2} | {'*' * n:<10}| {n:3d} {n / total * 100:5.1f}%")
    temps = {"mon": 12.5, "tue": 15.0, "wed": 9.25, "thu": 20.0}
    top = max(temps.values())
    for day, t in temps.items():
        bar = "=" * int(t / top * 20)
        print(f"{day:<4}{bar:<21}{t:6.2f}")
