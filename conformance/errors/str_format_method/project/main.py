def main():
    name = "ann"
    print("hello {}".format(name))  # ERROR
