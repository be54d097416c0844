"""The one exception the checks engine raises, and the stable codes it carries."""

# Error codes of ``governance-check --format json`` (``{"error": {"code": ...}}``): a stable
# contract for pipelines, documented in docs/governance-check.schema.json. Add, never rename.
ERROR_CODES = {
    "usage-error": "the command line is wrong: unknown option, missing argument or bad value",
    "file-not-found": "the input file does not exist",
    "unsupported-format": "the input is not one of the table formats (CSV, TSV, XLSX, JSON)",
    "unreadable-input": "the input cannot be read as its format: binary, undecodable, or broken CSV, XLSX or JSON",
    "input-refused": "the input is refused for safety, e.g. an XLSX archive that would expand too far",
    "schema-not-found": "the schema is neither JSON text, an http(s) URL, a readable file nor a registry name",
    "schema-invalid": "the schema is not valid JSON, not a valid Table Schema, or uses an unsupported feature",
    "schema-url-refused": "the schema URL is refused: not http(s), a non-public address, or too large",
    "schema-url-unavailable": "the schema URL could not be fetched: name resolution, connection, HTTP status, timeout",
    "privacy-config-invalid": "the privacy configuration (file or options) cannot be read or has a wrong option",
    "interrupted": "the check was interrupted before it finished",
    "internal-error": "the check stopped on an unexpected error (a bug: please report it)",
}


class ChecksError(Exception):
    """Unreadable input or a usage problem; ``str(error)`` is a message for people.

    ``code`` is one of ``ERROR_CODES``, for programs.
    """

    def __init__(self, message: str, code: str = "unreadable-input"):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown checks error code {code!r}")
        super().__init__(message)
        self.code = code
