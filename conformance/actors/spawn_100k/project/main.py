from pyvm import Pid, receive, run, self_pid, send, spawn


async def replier(parent: Pid, n: int):
    await send(parent, n % 7)


async def main():
    me = self_pid()
    count = 100000
    for i in range(count):
        spawn(replier(me, i))
    replies = 0
    total = 0
    for _ in range(count):
        v: int = await receive()
        replies += 1
        total += v
    print("replies:", replies)
    print("total:", total)


if __name__ == "__main__":
    run(main())
