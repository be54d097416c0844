# Metadata lives in pyproject.toml; message extraction is configured in babel.cfg.
from setuptools import setup

setup()
