# -*- coding: latin-1 -*-
def main():
    print("café")
