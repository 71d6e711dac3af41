def main():
    count = 3
    label = "items: "
    print(count + label)  # ERROR
