def main():
    command = "go"
    match command:  # ERROR
        case "go":
            print("going")
        case _:
            print("staying")
