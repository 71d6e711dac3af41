class App:
    def main(self):
        pass


def main():
    App().main()
