"""Constants the command line needs before it imports the engine (pyarrow, frictionless)."""

FORMATS = ("csv", "tsv", "xlsx", "json")
DEFAULT_ERROR_LIMIT = 1000  # error objects a report keeps; counts are always complete
