import helpers
from utils import double


def main():
    print(helpers.greet(), double(21))
