"""Commands: lint (being built)."""
