"""Offline-first sync: the protocol shared with the server and the desktop engine (issue 5)."""
