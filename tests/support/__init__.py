"""Shared test helpers (loopback OAuth server, BROWSER script). See tests/support/oauth_server.py."""
