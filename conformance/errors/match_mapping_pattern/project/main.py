def main():
    command = {"go": 1}
    match command:
        case {"go": n}:  # ERROR
            print("going", n)
        case _:
            print("staying")
