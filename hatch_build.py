"""Wheel build hook: copy core/, screens/ and app/ under the one `openclaw_onboard` namespace.

Only for a real (standard) wheel. An editable install keeps using the checkout itself: the repository
root goes on sys.path and openclaw_onboard/__init__.py finds the three packages beside it, so edits
show at once and no stale copy sits in site-packages (a static force-include would copy them there).
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SUBPACKAGES = ("core", "screens", "app")


class NamespaceHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version != "standard":
            return
        for name in SUBPACKAGES:
            build_data["force_include"][f"{self.root}/{name}"] = f"openclaw_onboard/{name}"
