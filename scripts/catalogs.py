"""Build tool for the gettext catalogs (Babel): extract, update and compile. Never imported at run time.

    python -m scripts.catalogs compile [--force]   # every core/locale/<lang>/LC_MESSAGES/*.po -> .mo, if stale
    python -m scripts.catalogs compile x.po ...    # just these
    python -m scripts.catalogs update [cli|tui]    # extract each domain from the sources, merge into the .po files

Domains and the sources they are extracted from are the `babel-<domain>.cfg` mapping files at the
repository root (also usable with `pybabel extract -F babel-cli.cfg .`): `cli` = app/cli*.py,
app/crash.py and core/; `tui` = screens/ and app/tui.py. The same extraction is what
tests/test_catalogs.py checks the catalogs against, so "make catalogs" and the test agree.

hatch_build.py loads this file by path (the build runs outside the checkout's sys.path), so it uses
only the standard library and Babel.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = Path("core") / "locale"
DOMAINS = ("cli", "tui")
LANGUAGES = ("ko", "ja", "zh_TW")  # English is the source language: no catalog
# Babel's default keywords cover _, N_, gettext, ngettext, pgettext, npgettext.


def po_path(root: Path, lang: str, domain: str) -> Path:
    return root / LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def stale_catalogs(root: Path = ROOT) -> list[Path]:
    """The .po files whose .mo is missing or older."""
    out = []
    for po in sorted((root / LOCALE_DIR).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def compile_one(po: Path) -> Path:
    """`x.po` -> `x.mo` beside it (atomic: parallel builds/test workers never read half a file)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, domain=po.stem)
    mo = po.with_suffix(".mo")
    fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".mo-")
    try:
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return mo


def compile_all(root: Path = ROOT, force: bool = False) -> list[Path]:
    pos = sorted((root / LOCALE_DIR).glob("*/LC_MESSAGES/*.po")) if force else stale_catalogs(root)
    return [compile_one(po) for po in pos]


def extract(domain: str, root: Path = ROOT):  # -> babel Catalog
    """The template (.pot) of a domain, extracted from the current sources."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (root / f"babel-{domain}.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    template = Catalog(project="openclaw-onboard", domain=domain, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(root: Path = ROOT, domains: tuple[str, ...] = DOMAINS) -> list[Path]:
    """Merge each domain's fresh template into every language's .po (created if missing)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    written = []
    for domain in domains:
        template = extract(domain, root)
        for lang in LANGUAGES:
            po = po_path(root, lang, domain)
            if po.exists():
                with po.open("rb") as f:
                    catalog = read_po(f, locale=lang, domain=domain)
            elif len(template):
                catalog = Catalog(locale=lang, domain=domain, project="openclaw-onboard", fuzzy=False)
            else:
                continue
            catalog.update(template, update_header_comment=False)
            buf = io.BytesIO()
            # File names without line numbers: an edit elsewhere in a source file (or another branch's)
            # does not rewrite every entry below it, so catalogs merge cleanly.
            write_po(buf, catalog, width=100, ignore_obsolete=True, sort_output=False, include_previous=True,
                     include_lineno=False)
            text = buf.getvalue()
            if po.exists() and _sans_date(po.read_bytes()) == _sans_date(text):
                continue  # nothing but the extraction time would change
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_bytes(text)
            written.append(po)
    return written


def _sans_date(po_text: bytes) -> bytes:
    return b"\n".join(line for line in po_text.split(b"\n") if not line.startswith(b'"POT-Creation-Date:'))


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "compile"
    if cmd == "compile":
        named = [Path(a) for a in argv[1:] if a.endswith(".po")]
        for mo in [compile_one(po) for po in named] if named else compile_all(force="--force" in argv):
            print(f"compiled {mo}")
        return 0
    if cmd == "update":
        for po in update(domains=tuple(a for a in argv[1:] if a in DOMAINS) or DOMAINS):
            print(f"updated {po.relative_to(ROOT)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
