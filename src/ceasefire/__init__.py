"""Ceasefire Monitor: attributed claims, geolocated incidents and ceasefire findings from reports of a war."""

__version__ = "0.1.0"
