import tools


def main():
    tools.run()
