"""Provenance reading: plain Python, no Django. ``scan(bytes) -> ScanResult``."""

from notes.provenance.c2pa_reader import TrustConfig
from notes.provenance.reader import scan
from notes.provenance.signals import ScanResult, Signal

__all__ = ["ScanResult", "Signal", "TrustConfig", "scan"]
