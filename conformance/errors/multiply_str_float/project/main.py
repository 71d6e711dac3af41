def main():
    line = "-" * 2.5  # ERROR
    print(line)
