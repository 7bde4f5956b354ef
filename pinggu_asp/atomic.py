"""Files that appear whole or not at all: the one way this package writes a file.

A file is written to a temporary file in its destination's directory (the same
file system, so the rename is atomic) and moved into place with ``os.replace``
only once everything has been written and flushed to disk. A killed or failed
run leaves the previous file, or none; a reader never sees half a result, half
a workbook or half a cached program.
"""

from __future__ import annotations

import os
from pathlib import Path


class Staged:
    """A file written beside its destination (``tmp``) and moved into place only by ``commit``."""

    def __init__(self, path: Path) -> None:
        import tempfile  # here: it brings random, which a command that only prints never needs

        self.path = path
        fd, tmp = tempfile.mkstemp(dir=path.resolve().parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        self.tmp = Path(tmp)

    def commit(self) -> None:
        """Flush the staged file to disk, give it an ordinary file's mode and move it into place."""
        try:
            with self.tmp.open("rb+") as handle:
                os.fsync(handle.fileno())
            # mkstemp makes the file private (0600); an output is an ordinary file.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` whole: text in ``encoding`` (newlines as given), or bytes.

    Raises OSError (the caller names the file to the user); nothing is left behind on failure."""
    staged = Staged(path)
    try:
        if isinstance(data, bytes):
            staged.tmp.write_bytes(data)
        else:
            with staged.tmp.open("w", encoding=encoding, newline="") as handle:
                handle.write(data)
    except BaseException:
        staged.discard()
        raise
    staged.commit()
