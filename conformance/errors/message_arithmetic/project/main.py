from pyvm import receive, self_pid, send, run


async def main():
    await send(self_pid(), 20)
    msg = await receive()
    print(msg + 1)  # ERROR: narrow the message first


if __name__ == "__main__":
    run(main())
