def main():
    pass


async def main():
    pass


def main():
    pass
