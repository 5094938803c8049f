"""Vigía: backend for contraloría social (citizens auditing public works, programs and courts)."""

__version__ = "0.1.0"
