def go(:
    pass
