def main():
    print("before")
    print(helper(3))  # ERROR
