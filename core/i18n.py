"""The language people read: which one, and the translated text (gettext catalogs compiled by Babel).

Language choice, first match wins: `OPENCLAW_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG` (POSIX
precedence), mapped onto what we ship (`en`, `ko`, `ja`, `zh_TW`; `zh_Hant`/`zh_HK` -> `zh_TW`),
else English. `C`/`POSIX` mean English. The command palette may switch it at run time
(`set_language`).

Catalogs: `core/locale/<lang>/LC_MESSAGES/<domain>.po` in the source tree, compiled to `.mo` at build
time (the wheel hook and the Makefile; never at run time). Two domains so the command line and the
wizard can be translated (and merged) independently: `cli` (app/cli*.py and core's user-facing
messages) and `tui` (screens/ and app/tui.py). `_()` looks in both.

Only human text goes through here. Machine output (`--json`, `--plain`, exit codes, profile ids, the
`--check` contract and the error lines OpenClaw documents for scripts) never does.

Use:
    from openclaw_onboard.core.i18n import _, ngettext, N_
    _("Saved {profile_id}").format(profile_id=pid)       # placeholders by name: word order may change
    ngettext("{n} profile", "{n} profiles", n).format(n=n)
    LABEL = N_("Dashboard")   # marked for extraction at import time, translated later with _(LABEL)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # gettext is imported only when a non-English catalog is loaded (fast --check/--json)
    import gettext
    from collections.abc import Mapping

LANGUAGES: tuple[str, ...] = ("en", "ko", "ja", "zh_TW")
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ko": "한국어", "ja": "日本語", "zh_TW": "繁體中文"}
DOMAINS: tuple[str, ...] = ("cli", "tui")
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")

_ALIASES = {"zh_hant": "zh_TW", "zh_tw": "zh_TW", "zh_hk": "zh_TW", "zh_mo": "zh_TW"}

_current: str | None = None
# None while English is spoken (or nothing was said yet): English needs no catalog and no gettext.
_translations: gettext.NullTranslations | None = None


def language_from(value: str | None) -> str | None:
    """`ko_KR.UTF-8` -> `ko`; `zh_TW.UTF-8`/`zh-Hant` -> `zh_TW`; `C`, `POSIX`, unknown -> None."""
    if not value:
        return None
    tag = value.split(".")[0].split("@")[0].replace("-", "_").strip()
    if not tag or tag.upper() in ("C", "POSIX"):
        return None
    low = tag.lower()
    for prefix, lang in _ALIASES.items():
        if low == prefix or low.startswith(prefix + "_"):
            return lang
    base = low.split("_")[0]
    return base if base in LANGUAGES and base != "zh" else None


def detect_language(env: Mapping[str, str] | None = None) -> str:
    """The language to speak: `OPENCLAW_LANG`, else the first set of `LC_ALL`, `LC_MESSAGES`, `LANG`."""
    env = os.environ if env is None else env
    explicit = language_from(env.get("OPENCLAW_LANG"))
    if explicit:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):  # the first one set decides, as in POSIX, even when we do not ship it
            return language_from(env[var]) or "en"
    return "en"


def _load(lang: str) -> gettext.NullTranslations:
    import gettext

    chain: gettext.NullTranslations | None = None
    for domain in DOMAINS:
        t = gettext.translation(domain, localedir=LOCALE_DIR, languages=[lang], fallback=True)
        if chain is None:
            chain = t
        else:
            chain.add_fallback(t)
    return chain or gettext.NullTranslations()


def set_language(lang: str | None) -> str:
    """Speak `lang` from now on (None: detect from the environment). Returns the language chosen."""
    global _current, _translations
    chosen = lang if lang in LANGUAGES else detect_language()
    _current, _translations = chosen, (None if chosen == "en" else _load(chosen))
    return chosen


def current_language() -> str:
    if _current is None:
        set_language(None)
    assert _current is not None
    return _current


def _t() -> gettext.NullTranslations | None:
    """The catalogs of the current language, None for English (the language is detected on first use)."""
    if _current is None:
        set_language(None)
    return _translations


def _(message: str) -> str:
    t = _t()
    return message if t is None else t.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    t = _t()
    if t is None:
        return singular if n == 1 else plural
    return t.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    t = _t()
    return message if t is None else t.pgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (module-level constants, bindings)."""
    return message


class Deferred(str):
    """Text that is English where machines read it and translated where people do.

    Core code that feeds both `--json` and a person (doctor findings, for one) builds
    `Deferred(N_("file is {mode}: other users can read it"), mode="644")`: the value *is* the English
    string (JSON, comparisons, logs), and `human()` gives it in the current language, with the same
    named placeholders. Mark the template with N_() so extraction finds it.
    """

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Deferred:
        self = super().__new__(cls, template.format(**params))
        self.template, self.params = template, params
        return self

    def human(self) -> str:
        return _(self.template).format(**self.params)


def human(text: str) -> str:
    """`text` for a person: a Deferred in the current language, any other string as it is."""
    return text.human() if isinstance(text, Deferred) else text
