"""Wheel build hook: compile the gettext catalogs, and copy core/, screens/ and app/ under the one
`openclaw_onboard` namespace.

Catalogs: every `core/locale/<lang>/LC_MESSAGES/*.po` is compiled to `.mo` beside it with Babel (a
build requirement, never needed at run time), for a standard wheel and for an editable install alike.
The `.mo` files are build output (gitignored); the wheel's copy of core/ carries them.

Namespace: only for a real (standard) wheel. An editable install keeps using the checkout itself: the
repository root goes on sys.path and openclaw_onboard/__init__.py finds the three packages beside it,
so edits show at once and no stale copy sits in site-packages (a static force-include would copy them
there). After editing a .po in a checkout, `make test`/`make onboard` recompile it (the Makefile).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SUBPACKAGES = ("core", "screens", "app")


def _catalog_tool(root: str) -> Any:
    """scripts/catalogs.py, loaded by path: the build does not run with the checkout on sys.path."""
    spec = importlib.util.spec_from_file_location("_openclaw_catalogs", Path(root) / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class NamespaceHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        _catalog_tool(self.root).compile_all(Path(self.root), force=True)
        if version != "standard":
            return
        for name in SUBPACKAGES:
            build_data["force_include"][f"{self.root}/{name}"] = f"openclaw_onboard/{name}"
