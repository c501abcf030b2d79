"""Registered commands (being written)."""
