"""Code blocks of the docs, so that tests run exactly what the docs tell people to run."""
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```$", re.S | re.M)


def code_blocks(document: str, info: str) -> list[str]:
    """The fenced blocks of docs/`document` whose info string is `info` (e.g. ``python``)."""
    text = (DOCS / document).read_text(encoding="utf-8")
    return [body for found_info, body in _FENCE.findall(text) if found_info.strip() == info]
