"""The `ssui` command line; `main` runs it (the console script and `python -m ssui`)."""

from .main import main

__all__ = ["main"]
