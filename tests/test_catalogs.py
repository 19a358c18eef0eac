"""Every catalog is complete: each language's .po of each domain translates every message extracted
from the current sources (scripts/catalogs.py, the same extraction as `make catalogs`), nothing fuzzy
or empty, the same placeholders as the English text, every plural form, and it is compiled (.mo)."""

from __future__ import annotations

import re
import string

import pytest
from babel import Locale
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from scripts.catalogs import DOMAINS, LANGUAGES, ROOT, extract, po_path, stale_catalogs

_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifreEgGxXoc%]")


def placeholders(text: str) -> list[str]:
    """`{name}` fields (with their format spec) and `%(name)s`/`%s` conversions, as a sorted list."""
    found = []
    try:
        for _lit, field, spec, conv in string.Formatter().parse(text):
            if field is not None:
                found.append("{" + field + ("!" + conv if conv else "") + (":" + spec if spec else "") + "}")
    except ValueError as exc:  # an unbalanced brace: .format() would raise at run time
        found.append(f"<bad braces: {exc}>")
    found += [m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%"]
    return sorted(found)


@pytest.fixture(scope="module", params=DOMAINS)
def template(request):
    return request.param, extract(request.param)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_complete(template, lang: str) -> None:
    domain, pot = template
    wanted = [m for m in pot if m.id]
    po = po_path(ROOT, lang, domain)
    if not wanted:
        return  # nothing of this domain is marked for translation yet: nothing to miss
    assert po.exists(), f"{po.relative_to(ROOT)} missing: run make catalogs"
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=domain)
    nplurals = get_plural(Locale.parse(lang)).num_plurals
    assert catalog.num_plurals == nplurals, f"{po.name} ({lang}): Plural-Forms must have nplurals={nplurals}"
    problems = []
    for msg in wanted:
        key = msg.id if not msg.context else (msg.id, msg.context)
        tr = catalog.get(msg.id, msg.context)
        where = f"{lang}/{domain}: {key!r}"
        if tr is None:
            problems.append(f"{where}: not in the catalog")
            continue
        if tr.fuzzy:
            problems.append(f"{where}: fuzzy")
        if isinstance(msg.id, tuple):  # plural: every form translated, each with the plural's placeholders
            forms = tr.string if isinstance(tr.string, tuple) else (tr.string,)
            if len(forms) != nplurals or not all(forms):
                problems.append(f"{where}: {len(forms)} plural forms of {nplurals}, or an empty one")
            expected = placeholders(msg.id[1])
            if placeholders(msg.id[0]) not in (expected, [p for p in expected if p != "{n}"]):
                problems.append(f"{where}: English singular and plural disagree on placeholders")
            for form in forms:
                if form and placeholders(form) != expected:
                    problems.append(f"{where}: placeholders {placeholders(form)} != {expected}")
        else:
            if not tr.string:
                problems.append(f"{where}: untranslated")
            elif placeholders(tr.string) != placeholders(msg.id):
                problems.append(f"{where}: placeholders {placeholders(tr.string)} != {placeholders(msg.id)}")
    assert not problems, "\n".join(problems)


def test_every_catalog_is_compiled() -> None:
    """The build (hatch_build.py / make) compiled every .po; a stale .mo would show old text."""
    assert stale_catalogs(ROOT) == []


def test_placeholders_helper_sees_differences() -> None:
    assert placeholders("Saved {profile_id} in {path}") == placeholders("{path}에 {profile_id} 저장")
    assert placeholders("{n} days") != placeholders("{count}日")
    assert placeholders("%(name)s and %d") == ["%(name)s", "%d"]
    assert placeholders("{a:02d}") != placeholders("{a}")
