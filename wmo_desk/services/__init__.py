"""Use cases that tie the domain, storage and catalogue together; the UI calls only these."""
