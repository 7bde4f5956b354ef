"""The HTTP service (``pinggu-asp serve``): the CLI's decisions over HTTP, and the auditors' page."""

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
