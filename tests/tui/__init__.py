"""Onboarding wizard (Textual) tests: Pilot walk-throughs, snapshots and a tmux run."""
