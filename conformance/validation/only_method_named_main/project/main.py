class App:
    def main(self):
        pass
