import config
from config import LIMIT, COLORS


def main() -> int:
    print(config.APP_NAME, config.LIMIT, LIMIT)
    for color in COLORS:
        print(color, config.CODES[color])
    allowed = [n for n in range(100) if n % 7 == 0 and n < LIMIT]
    print(allowed)
    print(config.CODES.get("purple", "?"), len(config.CODES))
    return 0
