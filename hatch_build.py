"""Wheel build hook: compile the gettext catalogs.

Every `core/locale/<lang>/LC_MESSAGES/*.po` is compiled to `.mo` beside it with Babel (a
build requirement, never needed at run time), for a standard wheel and for an editable install alike.
The `.mo` files are build output (gitignored); the wheel's copy of core/ carries them.

The namespace needs no hook: `openclaw_onboard/{core,screens,app}` are committed symlinks to the root
folders, which the wheel stores as the files they point to. After editing a .po in a checkout,
`make test`/`make onboard` recompile it (the Makefile).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _catalog_tool(root: str) -> Any:
    """scripts/catalogs.py, loaded by path: the build does not run with the checkout on sys.path."""
    spec = importlib.util.spec_from_file_location("_openclaw_catalogs", Path(root) / "scripts" / "catalogs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CatalogHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        # Through the namespace: the checkout's symlink and an sdist's copy of core/ alike.
        _catalog_tool(self.root).compile_all(Path(self.root) / "openclaw_onboard", force=True)
