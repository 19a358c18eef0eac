"""openclaw-onboard's one import namespace: `openclaw_onboard.core`, `.screens` and `.app`.

In a wheel the three packages are copied inside this one (pyproject's force-include), so nothing named
`core`, `app` or `screens` lands at the top of site-packages. In a checkout (and an editable install)
they stay at the repository root, where the project's layout wants them; this package then also looks
there for its subpackages. Code always imports them through this namespace, never as top-level names
(tests/test_namespace.py), so no module is ever loaded twice under two names.
"""

from os import path as _path

if not _path.isdir(_path.join(__path__[0], "core")):
    __path__.append(_path.dirname(__path__[0]))
