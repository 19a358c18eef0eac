"""`openclaw` entry point (placeholder until the CLI issue lands)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--version"]:
        print("openclaw-onboard 0.1.0")
        return 0
    print("usage: openclaw onboard | models ... | agents ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
