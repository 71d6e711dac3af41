from pyvm import spawn, run


async def main():
    async def helper() -> None:  # ERROR: actors are module-level functions
        print("hi")
    spawn(helper())


if __name__ == "__main__":
    run(main())
