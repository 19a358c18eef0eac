"""The Textual App, the `openclaw` CLI entry, and the wiring between screens and core."""
