from pyvm import Pid, receive, run, self_pid, send, spawn


async def helper(parent: Pid):
    await send(parent, {"a": 1})


async def main():
    spawn(helper(self_pid()))
    d: dict[str, int] = await receive()
    print("got", d["a"])
    print(d["missing"])
    print("not reached")


if __name__ == "__main__":
    run(main())
