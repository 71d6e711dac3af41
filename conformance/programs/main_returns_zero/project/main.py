def check(values: list[int]) -> int:
    failures = 0
    for v in values:
        if v < 0:
            failures += 1
    return failures


def main() -> int:
    values = [3, 1, 4, 1, 5]
    failures = check(values)
    print("checked", len(values), "values,", failures, "failures")
    return failures
