"""What must hold before a night touches anything: a raw folder to read, a warehouse to write.

A night that cannot write its warehouse (read-only mount, full disk, a path through a file)
stops before it writes anything, with one line in Vietnamese and English, and leaves the
current publication as it was. A storage failure during the run is told in the same words.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from flows import settings
from flows.config import Paths
from flows.names import display_name
from schemas.messages import run_message

STORAGE_ERRNOS = {
    errno.EROFS: "warehouse_read_only",
    errno.ENOSPC: "warehouse_full",
    errno.EDQUOT: "warehouse_full",
}
STORAGE_TEXT = {
    "read-only file system": "warehouse_read_only",
    "no space left on device": "warehouse_full",
    "disk quota exceeded": "warehouse_full",
}


class PreflightError(RuntimeError):
    """The night cannot run; the message is one line, Vietnamese then English."""


def check_raw_dir(paths: Paths) -> None:
    """The raw folder exists and can be listed (a typo must not read as "nothing new")."""
    shown = display_name(paths.raw_dir)
    if not paths.raw_dir.is_dir():
        raise PreflightError(run_message("raw_dir_missing", shown))
    try:
        with os.scandir(paths.raw_dir):
            pass
    except OSError:
        raise PreflightError(run_message("raw_dir_unreadable", shown)) from None


def check_warehouse(paths: Paths, min_free_mb: float | None = None) -> None:
    """The warehouse's folders exist or can be made, a file can be written in them, and the
    disk has ``VLPIPE_MIN_FREE_MB`` free; else :class:`PreflightError`. Writes nothing that
    stays (a probe file, removed). ``min_free_mb``: the run's setting, else the environment's."""
    shown = display_name(paths.warehouse_dir)
    try:
        paths.ensure()
        probe = paths.private_dir / f".write-probe-{os.getpid()}"
        try:
            fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, b"\0")
                os.fsync(fd)
            finally:
                os.close(fd)
        finally:
            probe.unlink(missing_ok=True)
        stat = os.statvfs(paths.private_dir)
    except OSError as exc:
        raise PreflightError(
            run_message(_storage_rule(exc) or "warehouse_unwritable", shown)
        ) from None
    free = stat.f_bavail * stat.f_frsize
    if min_free_mb is None:
        min_free_mb = settings.current().min_free_mb
    if free < min_free_mb * 1024 * 1024:
        raise PreflightError(run_message("warehouse_full", f"{shown} ({free // 1024} KB)"))


def _storage_rule(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        return STORAGE_ERRNOS[exc.errno]
    text = str(exc).lower()
    return next((rule for needle, rule in STORAGE_TEXT.items() if needle in text), None)


def storage_message(exc: BaseException, warehouse_dir: Path) -> str | None:
    """One line (VI + EN) if ``exc``, or what caused it, is the warehouse's storage failing
    (read-only, full: an OSError, or DuckDB's IOException at commit); else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        rule = _storage_rule(current)
        if rule:
            return run_message(rule, display_name(warehouse_dir))
        current = current.__cause__ or current.__context__
    return None
