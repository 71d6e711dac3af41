main = lambda: 0
