def go():
    x = (1 +
