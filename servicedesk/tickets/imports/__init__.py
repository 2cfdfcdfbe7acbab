"""Imports from other service desks: pure parsers from files to dataclasses, and bulk writers."""
