import geometry
from vectors import add, scale


def main():
    a = (1.0, 2.0)
    b = (3.0, -1.0)
    print(add(a, b), scale(a, 2.5))
    print(geometry.distance(a, b))
    print(geometry.perimeter([(0.0, 0.0), (3.0, 0.0), (3.0, 4.0)]))
    print(geometry.centroid([(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0)]))
