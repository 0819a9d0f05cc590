"""Byte-deterministic ``.tar.gz`` writing for the archive formats.

gzip header without file name and with mtime 0; tar members in the order added, USTAR
format, mtime 0, mode 0644, uid/gid 0, empty user and group names. The same members
give the same bytes on every run.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from types import TracebackType
from typing import IO, Final

MEMBER_MODE: Final = 0o644


class DeterministicTar:
    """``with DeterministicTar(fh) as tar: tar.add_bytes("a.json", data)``.

    ``fh`` only needs ``write`` (and ``tell``, which gzip provides itself); nothing
    seeks.
    """

    def __init__(self, fh: IO[bytes], *, compresslevel: int = 9) -> None:
        self._gzip = gzip.GzipFile(
            filename="", mode="wb", fileobj=fh, compresslevel=compresslevel, mtime=0
        )
        self._tar = tarfile.open(  # noqa: SIM115 - closed in __exit__
            fileobj=self._gzip, mode="w", format=tarfile.USTAR_FORMAT
        )

    def __enter__(self) -> DeterministicTar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._tar.close()
        self._gzip.close()

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_file(name, io.BytesIO(data), len(data))

    def add_file(self, name: str, fileobj: IO[bytes], size: int) -> None:
        """Add ``size`` bytes from ``fileobj``'s current position as member ``name``."""
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = 0
        info.mode = MEMBER_MODE
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.type = tarfile.REGTYPE
        self._tar.addfile(info, fileobj)
