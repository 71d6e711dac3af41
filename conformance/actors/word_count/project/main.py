from pyvm import Pid, receive, run, self_pid, send, spawn

TEXT = [
    "the quick brown fox jumps over the lazy dog",
    "the dog barks and the fox runs",
    "a quick brown dog",
    "over and over the fox",
]


async def mapper(parent: Pid, line: str):
    counts: dict[str, int] = {}
    for w in line.split():
        counts[w] = counts.get(w, 0) + 1
    await send(parent, counts)


async def main():
    me = self_pid()
    for line in TEXT:
        spawn(mapper(me, line))
    total: dict[str, int] = {}
    for _ in range(len(TEXT)):
        part: dict[str, int] = await receive()
        for w, n in part.items():
            total[w] = total.get(w, 0) + n
    for w in sorted(total.keys()):
        print(w, total[w])


if __name__ == "__main__":
    run(main())
