"""`backlogctl.lazy_exports`: the packages' names imported on first use (PEP 562)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import importlib, sys, types
package = importlib.import_module({package!r})
module = {package!r} + "." + {home!r}
assert module not in sys.modules, "imported before first use"
value = getattr(package, {name!r})
assert module in sys.modules
assert value is getattr(sys.modules[module], {name!r})
assert package.__dict__[{name!r}] is value, "kept for the second use"
assert not isinstance(getattr(package, {name!r}), types.ModuleType)
for name in package.__all__:
    getattr(package, name)
try:
    package.no_such_name
except AttributeError as error:
    print(error)
"""


@pytest.mark.parametrize(
    ("package", "home", "name"),
    [
        ("backlogctl.scoring", "stability", "stability"),  # a name that is also its module's name
        ("backlogctl.scoring", "movement", "movement"),
        ("backlogctl.store", "edit", "set_value"),
        ("backlogctl.history", "commit", "commit_files"),
    ],
)
def test_a_name_is_imported_from_its_module_on_first_use(package: str, home: str, name: str) -> None:
    code = CHECK.format(package=package, home=home, name=name)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == f"module {package!r} has no attribute 'no_such_name'\n"
