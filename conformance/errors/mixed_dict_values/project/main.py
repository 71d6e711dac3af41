def main():
    info = {"age": 31, "name": "ann"}  # ERROR
    print(info)
