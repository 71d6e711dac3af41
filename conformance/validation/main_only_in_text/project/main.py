"""
def main():
    pass
"""
# def main():
X = "def main():"
