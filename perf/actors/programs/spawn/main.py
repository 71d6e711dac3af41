"""Spawn: 100 000 actors, each sends one message back to main; main waits for every one."""

from pyvm import Pid, receive, run, self_pid, send, spawn

ACTORS = 100000


async def child(parent: Pid, i: int) -> None:
    await send(parent, (i * 7919) % 10007)


async def main() -> None:
    me = self_pid()
    for i in range(ACTORS):
        spawn(child(me, i))
    total = 0
    for _ in range(ACTORS):
        m = await receive()
        match m:
            case int(v):
                total += v
    print(f"spawn: {ACTORS} actors, checksum {total}")


if __name__ == "__main__":
    run(main())
