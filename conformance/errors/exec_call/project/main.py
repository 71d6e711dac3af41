def main():
    code = "print(1)"
    exec(code)  # ERROR
