"""One function per user action; the CLI (app/cli_*.py) and the wizard (screens/, app/tui.py) call only these.

Each action checks its input once, with the same rules for both faces, runs as one transaction and
answers with one `outcome.Outcome`: saved, nothing saved (and why), or saved but openclaw.json could not
be updated (and the exact command that finishes the job). The faces collect input and present the
outcome; neither validates nor writes by itself.

- `credentials`: add a pasted token, an Anthropic setup-token, an API key, or a SecretRef together with
  the `secrets.providers` entry it needs; the field-by-field checks the wizard shows while typing.
- `profiles`: remove a profile; set and clear a provider's order override; refresh.
- `agents`: add an agent.
- `cli_logins`: reuse the Codex CLI's or the Claude CLI's login.

Keep this file free of imports: `models status` never needs the use cases.
"""
