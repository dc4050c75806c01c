"""Tests of the regional server (wmo_desk.server)."""
