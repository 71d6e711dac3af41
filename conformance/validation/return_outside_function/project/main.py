def main():
    pass


return 1
