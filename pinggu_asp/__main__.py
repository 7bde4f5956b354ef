"""``python -m pinggu_asp``: the same command line as ``pinggu-asp``."""

from .cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
