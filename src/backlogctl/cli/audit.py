"""Commands: audit (being built)."""
