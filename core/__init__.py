"""UI-free core of openclaw-onboard: storage, models, OAuth, refresh, status.

Nothing in this package may import Textual (a test enforces it), and nothing here
calls up into `screens/` or `app/`. Keep this file free of imports so that
`import core.status` stays cheap for the CLI.
"""
