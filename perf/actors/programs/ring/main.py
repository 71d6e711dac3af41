"""Ring: 1000 actors in a ring with main; a token goes 100 times around, each hop adding one."""

from pyvm import Pid, receive, run, self_pid, send, spawn

SIZE = 1000
LAPS = 100


async def node(succ: Pid) -> None:
    while True:
        m = await receive()
        match m:
            case int(t):
                await send(succ, t + 1)
            case "stop":
                await send(succ, "stop")
                return


async def main() -> None:
    succ = self_pid()
    for _ in range(SIZE):
        succ = spawn(node(succ))
    token = 0
    for _ in range(LAPS):
        await send(succ, token)
        m = await receive()
        match m:
            case int(t):
                token = t
    await send(succ, "stop")
    await receive()
    print(f"ring: {SIZE} actors, {LAPS} laps, token {token}")


if __name__ == "__main__":
    run(main())
