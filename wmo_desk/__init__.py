"""wmo_desk: offline-first desktop tool for Dutch municipal Wmo consultants."""

__version__ = "0.1.0"
