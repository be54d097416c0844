"""Blueprints of the extension, one module per concern; blanket collects them from here."""
from .queue import queue
from .review import review
from .stewards import stewards

__all__ = ["queue", "review", "stewards"]
