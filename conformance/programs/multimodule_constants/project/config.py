APP_NAME = "conformance"
LIMIT = 40
COLORS = ["red", "green", "blue"]
CODES = {"red": "#f00", "green": "#0f0", "blue": "#00f"}
