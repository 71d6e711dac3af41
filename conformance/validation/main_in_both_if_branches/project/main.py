import sys

if sys.platform == 'linux':
    def main():
        pass
else:
    def main():
        pass
