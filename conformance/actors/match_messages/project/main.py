from pyvm import receive, run, self_pid, send


def describe(msg) -> str:
    match msg:
        case 0:
            return "zero"
        case -1:
            return "minus one"
        case "stop" | "halt":
            return "a stop word"
        case None:
            return "nothing"
        case True:
            return "true"
        case ("add", int(x), int(y)) if x > 0:
            return f"positive add {x + y}"
        case ("add", int(x), int(y)):
            return f"add {x + y}"
        case [str(a), str(b)]:
            return "two strings " + a + b
        case int(n):
            return f"int {n}"
        case float(f):
            return f"float {f:.2f}"
        case str(s):
            return f"str {s!r}"
        case dict(d):
            return f"dict {d}"
    return f"other {msg}"


async def main():
    me = self_pid()
    await send(me, 0)
    await send(me, -1)
    await send(me, "halt")
    await send(me, None)
    await send(me, True)
    await send(me, ("add", 2, 3))
    await send(me, ("add", -2, 3))
    await send(me, ["x", "y"])
    await send(me, ("x", "y"))
    await send(me, 42)
    await send(me, 2.5)
    await send(me, "text")
    await send(me, {"k": 1})
    await send(me, [1, 2, 3])
    for _ in range(14):
        print(describe(await receive()))


if __name__ == "__main__":
    run(main())
