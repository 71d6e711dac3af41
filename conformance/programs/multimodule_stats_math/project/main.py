import math

import stats


def main():
    data = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    print(stats.mean(data), stats.stddev(data))
    print(math.isclose(stats.stddev(data), 2.0), math.floor(stats.mean(data) * 10.0))
    print(stats.normalise(data))
    print(stats.SAMPLE_NAME)
