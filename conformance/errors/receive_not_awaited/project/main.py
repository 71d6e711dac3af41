from pyvm import receive, run


async def main():
    msg = receive()  # ERROR: a coroutine under CPython, never run
    print(msg)


if __name__ == "__main__":
    run(main())
