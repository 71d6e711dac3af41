def outer():
    def main():
        pass
    return main
