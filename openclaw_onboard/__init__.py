"""openclaw-onboard's one import namespace: `openclaw_onboard.core`, `.screens` and `.app`.

core/, screens/ and app/ stay at the repository root (the project's layout); `openclaw_onboard/core`,
`screens` and `app` are committed symlinks to them, so the namespace is an ordinary package that type
checkers, import-linter and editors resolve by looking at the files, and a wheel (which stores the files
the links point to) installs nothing but `openclaw_onboard`. Code always imports through this namespace,
never the bare top-level names (tests/test_namespace.py), so no module is ever loaded twice under two names.
"""
