def main():
    print("café")
