"""The regional wmo_desk server: accounts, sessions and the sync store behind a FastAPI app."""
