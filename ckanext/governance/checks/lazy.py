"""Names of a package imported on first use (PEP 562): the engine's libraries (pyarrow,
frictionless, phonenumbers, ...) load only when a check needs them."""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Dict


def lazy_attributes(package: Dict[str, Any], modules: Dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for `package` (its ``globals()``) that imports each name of
    `modules` (name -> relative module) when it is first asked for."""
    def __getattr__(name: str) -> Any:
        if name in modules:
            value = getattr(import_module(modules[name], package["__name__"]), name)
            package[name] = value
            return value
        raise AttributeError(f"module {package['__name__']!r} has no attribute {name!r}")
    return __getattr__
