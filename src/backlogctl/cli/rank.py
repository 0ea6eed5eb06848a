"""Commands: rank (being built)."""
