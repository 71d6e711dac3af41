async def main():
    def inner():
        await other()
    inner()
