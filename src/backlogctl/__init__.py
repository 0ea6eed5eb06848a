"""backlogctl: an AI lab's model backlog as YAML files in git."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

__version__ = "0.1.0"


def lazy_exports(namespace: dict[str, Any], homes: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """A package's module ``__getattr__`` (PEP 562): each name is imported from its module on first use.

    ``homes`` maps each submodule of the package to the names it exports. A value is kept in
    ``namespace`` (the package's ``globals()``), so its second use is a plain lookup.

    It lives here, in the module every backlogctl import has run already, and imports nothing
    at the top (not even typing), so that start-up pays nothing for it and Ctrl-C during
    start-up still reaches ``__main__``'s handler.
    """
    package = namespace["__name__"]
    home = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name: str) -> Any:
        import importlib

        module = home.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
