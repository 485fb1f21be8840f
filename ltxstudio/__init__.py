"""LTX Studio Desktop: a desktop client for the Lightricks LTX-2 video API."""

__version__ = "0.1.0"
