def main():
    print("bom")
