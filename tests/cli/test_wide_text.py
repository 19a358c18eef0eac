"""The CLI's human tables measure in terminal cells: a store written by another tool may hold CJK
profile ids and emails, and the columns after them must still line up."""

from __future__ import annotations

import copy

from openclaw_onboard.core.textwidth import cells

from tests.conftest import EXAMPLE_STORE


def _column(line: str, word: str) -> int:
    """The cell offset where `word` starts in `line`."""
    return cells(line[: line.index(word)])


def test_status_columns_line_up_with_cjk_profile_ids(cli, make_agent):
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["anthropic:仕事用"] = dict(store["profiles"]["anthropic:work"])
    store["profiles"]["anthropic:개인"] = dict(store["profiles"]["anthropic:work"])
    store["order"] = {"anthropic": ["anthropic:work", "anthropic:仕事用", "anthropic:개인"]}
    make_agent(store=store)
    res = cli("models", "status")
    assert res.rc == 0, res.err
    rows = [li for li in res.out.splitlines() if li.startswith("    ") and "anthropic:" in li and " token " in li]
    assert len(rows) == 3, res.out
    assert len({_column(li, " token ") for li in rows}) == 1, "\n".join(rows)
    assert len({_column(li, " ok") for li in rows}) == 1, "\n".join(rows)
    timed = [li for li in res.out.split("OAuth/token status:")[1].splitlines() if "anthropic:" in li]
    assert len(timed) == 3
    assert len({_column(li, " ok") for li in timed}) == 1, "\n".join(timed)


def test_status_columns_line_up_when_an_id_holds_an_escape_sequence(cli, make_agent):
    # The sequence is removed from the output; it must not have been counted in the column width first.
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["anthropic:\x1b]0;pwned\x07x"] = dict(store["profiles"]["anthropic:work"])
    store["order"] = {"anthropic": ["anthropic:work", "anthropic:\x1b]0;pwned\x07x"]}
    make_agent(store=store)
    res = cli("models", "status")
    assert res.rc == 0, res.err
    assert "\x1b" not in res.out and "\x07" not in res.out
    rows = [li for li in res.out.splitlines() if li.startswith("    ") and "anthropic:" in li and " token " in li]
    assert len(rows) == 2, res.out
    assert len({_column(li, " token ") for li in rows}) == 1, "\n".join(rows)
    timed = [li for li in res.out.split("OAuth/token status:")[1].splitlines() if "anthropic:" in li]
    assert len({_column(li, " ok") for li in timed}) == 1, "\n".join(timed)
