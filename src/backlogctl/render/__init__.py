"""Renderers: one module per output, turning core results into text.

Only this package talks to the terminal (rich); the core returns values.
"""
