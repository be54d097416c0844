# Metadata lives in pyproject.toml; this file only keeps Babel's extractors for `ckan translation`.
from setuptools import setup

setup(
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
