"""Automation signals: is an account driven by a machine? Plain Python, no Django (see signals.py)."""
