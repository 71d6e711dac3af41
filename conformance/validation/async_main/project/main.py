async def main():
    print("async")
