def main():
    x = 1
    del x  # ERROR
