"""Bounds a caller may set, in a module light enough for the CLI to read at start-up."""

# Seconds one declaration's selection may take (``--time-limit``); past it, an EngineError.
TIME_LIMIT = 10.0
