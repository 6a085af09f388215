"""Jixiao (绩效): budget performance management for a county or district finance bureau."""

__version__ = "0.1.0"
