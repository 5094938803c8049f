"""Judicial rulings under social audit (docs/rulings.md)."""
