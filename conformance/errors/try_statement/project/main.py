def main():
    print("before")
    try:  # ERROR
        print(1 // 0)
    except ZeroDivisionError:
        print("caught")
