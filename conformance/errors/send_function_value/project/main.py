from pyvm import self_pid, send, run


def double(x: int) -> int:
    return 2 * x


async def main():
    await send(self_pid(), double)  # ERROR: functions are not messages


if __name__ == "__main__":
    run(main())
