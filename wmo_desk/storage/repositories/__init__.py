"""Repositories: each turns rows into domain objects and back, inside a caller's session."""
