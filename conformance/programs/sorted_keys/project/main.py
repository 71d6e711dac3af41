def main():
    nums = [5, -3, 8, -1, 0, 7]
    print(sorted(nums), nums)
    print(sorted(nums, reverse=True))
    print(sorted(nums, key=lambda n: abs(n)))
    print(sorted(nums, key=lambda n: n % 3))
    words = ["banana", "Apple", "cherry", "apple", "date", "Fig"]
    print(sorted(words))
    print(sorted(words, key=lambda w: w.lower()))
    print(sorted(words, key=lambda w: len(w)))
    print(sorted(words, key=lambda w: len(w), reverse=True))
    people = [("bob", 25), ("ann", 31), ("cy", 25), ("dee", 31), ("ed", 19)]
    print(sorted(people, key=lambda p: p[1]))
    print(sorted(people, key=lambda p: (-p[1], p[0])))
    print(sorted(people))
    floats = [2.5, -0.5, 1e-3, 10.0]
    print(sorted(floats), sorted(floats, reverse=True))
    scores = {"x": 3, "y": 1, "z": 2}
    print(sorted(scores.keys(), key=lambda k: scores[k]))
    print(sorted(scores.items(), key=lambda kv: kv[1], reverse=True))
    print(sorted("hello"))
