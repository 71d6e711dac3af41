def main():
    lock = 0
    with lock:  # ERROR
        print("inside")
