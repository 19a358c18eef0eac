"""The provider catalog against the real OpenClaw 2026.4.26 package: every auth choice it offers maps
to a catalog entry, and the env var names agree with its plugin manifests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from openclaw_onboard.core.provider_ids import normalize_provider_id
from openclaw_onboard.core.providers import catalog


def _manifests(dist: str) -> list[dict]:
    return [json.loads(p.read_text("utf8")) for p in sorted(Path(dist, "extensions").glob("*/openclaw.plugin.json"))]


def test_every_manifest_auth_choice_maps_to_the_catalog(_openclaw_dist):
    cat = catalog()
    seen = 0
    for manifest in _manifests(_openclaw_dist["OPENCLAW_DIST"]):
        for choice in manifest.get("providerAuthChoices") or []:
            entry = cat.get(choice["provider"])
            assert entry is not None, choice["provider"]
            assert entry.id == normalize_provider_id(choice["provider"])
            if "text-inference" not in (choice.get("onboardingScopes") or ["text-inference"]):
                continue
            for cid in [choice["choiceId"], *(choice.get("deprecatedChoiceIds") or [])]:
                mapped = cat.choice(cid)
                assert mapped is not None, cid
                assert mapped.provider == entry.id, cid
                seen += 1
    assert seen >= 60  # 2026.4.26 has 62 onboarding choices plus 8 legacy aliases


def test_every_onboard_auth_choice_of_the_real_cli_maps_to_the_catalog(_openclaw_dist, tmp_path):
    # What `openclaw onboard --auth-choice` accepts, as the real CLI prints it (bundled plugins on).
    env = {"PATH": _openclaw_dist["PATH"], "HOME": str(tmp_path), "OPENCLAW_STATE_DIR": str(tmp_path / "s"),
           "npm_config_offline": "true", "OPENCLAW_DISABLE_BUNDLED_PLUGINS": "0", "NO_COLOR": "1"}
    res = subprocess.run(["openclaw", "onboard", "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    line = next(ln for ln in res.stdout.splitlines() if "--auth-choice <choice>" in ln)
    ids = line.split("Auth:", 1)[1].strip().split("|")
    assert len(ids) >= 60 and "openrouter-api-key" in ids
    missing = [cid for cid in ids if catalog().choice(cid) is None]
    assert missing == []


def test_env_var_names_agree_with_the_manifests(_openclaw_dist):
    cat = catalog()
    for manifest in _manifests(_openclaw_dist["OPENCLAW_DIST"]):
        for provider, names in (manifest.get("providerAuthEnvVars") or {}).items():
            entry = cat.providers.get(normalize_provider_id(provider))
            if entry is None:
                continue  # speech, search and tool keys are not model providers
            assert set(names) <= set(entry.env), provider


def test_base_urls_come_from_the_package(_openclaw_dist):
    """Each catalog base URL is a string that occurs in OpenClaw's dist (none invented)."""
    dist = Path(_openclaw_dist["OPENCLAW_DIST"])
    text = "\n".join(p.read_text("utf8", "replace") for p in dist.glob("*.js"))
    text += "\n".join(p.read_text("utf8", "replace") for p in dist.glob("extensions/*/*.js"))
    for entry in catalog().providers.values():
        if entry.base_url:
            assert f'"{entry.base_url}"' in text, entry.id
