"""Message round trip: main and one echo actor play ping-pong 200 000 times."""

from pyvm import Pid, receive, run, self_pid, send, spawn

ROUNDS = 200000


async def echo() -> None:
    while True:
        m = await receive()
        match m:
            case (Pid(sender), int(n)):
                await send(sender, n * 3 + 1)
            case "stop":
                return


async def main() -> None:
    me = self_pid()
    partner = spawn(echo())
    total = 0
    for i in range(ROUNDS):
        await send(partner, (me, i))
        m = await receive()
        match m:
            case int(v):
                total = (total + v) % 1000000007
    await send(partner, "stop")
    print(f"roundtrip: {ROUNDS} round trips, checksum {total}")


if __name__ == "__main__":
    run(main())
