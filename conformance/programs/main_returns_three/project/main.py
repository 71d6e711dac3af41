def main() -> int:
    errors = [e for e in ["ok", "bad input", "ok", "timeout", "disk full"] if e != "ok"]
    for e in errors:
        print("error:", e)
    print(len(errors), "errors")
    return len(errors)
