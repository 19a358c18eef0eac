"""The `models status` fast path (issue #15) parses exactly as argparse does, or hands the argv to argparse.

argparse stays the one definition of the grammar: for every argv the fast path accepts, its Namespace must
equal argparse's; for everything else it must decline (return None), so help, abbreviations, probes and
usage errors keep argparse's wording.
"""

from hypothesis import given, settings
from hypothesis import strategies as st
from openclaw_onboard.app.cli import UsageError, build_parser, fast_status_args

TOKENS = ["--check", "--json", "--plain", "--agent", "--agent=work", "--agent=", "--agent=-x", "work", "-x", "",
          "--che", "--probe", "-h", "--help", "--ag", "main", "--agent=ü", "--check=1", "status", "models"]


def _argparse(argv: list[str]) -> dict[str, object] | None:
    try:
        ns, extra = build_parser().parse_known_args(argv)
    except (UsageError, SystemExit):
        return None
    return None if extra else vars(ns)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=6))
def test_the_fast_path_agrees_with_argparse_or_declines(rest: list[str]) -> None:
    argv = ["models", "status", *rest]
    fast = fast_status_args(argv)
    if fast is not None:
        assert vars(fast) == _argparse(argv)


def test_the_cron_shapes_take_the_fast_path() -> None:
    for rest in ([], ["--check"], ["--json"], ["--plain", "--check"], ["--agent", "work", "--json", "--check"],
                 ["--agent=work"]):
        argv = ["models", "status", *rest]
        fast = fast_status_args(argv)
        assert fast is not None and vars(fast) == _argparse(argv), rest


def test_everything_else_goes_to_argparse() -> None:
    for argv in (["models", "status", "--json", "--plain"], ["models", "status", "--check", "--check"],
                 ["models", "status", "--agent"], ["models", "status", "--agent", "--check"],
                 ["models", "status", "--help"], ["models", "status", "--che"], ["models", "status", "--probe"],
                 ["models", "list"], ["status"], []):
        assert fast_status_args(argv) is None, argv
