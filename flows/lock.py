"""One run at a time per warehouse: an advisory file lock with a bounded wait."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flows import settings
from flows.config import Paths


class RunLocked(RuntimeError):
    """Another run holds the warehouse."""


@contextmanager
def run_lock(paths: Paths, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the warehouse's run lock; wait up to ``wait_seconds`` for another run to finish.

    The lock is released by the kernel if the holder dies (even by SIGKILL), so a crashed run
    never blocks the next one.
    """
    if wait_seconds is None:
        wait_seconds = settings.current().lock_wait_seconds
    paths.private_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(paths.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLocked(
                        f"Một lần chạy khác đang dùng kho dữ liệu {paths.warehouse_dir}; "
                        f"đã chờ {wait_seconds:.0f} giây. / Another run holds the warehouse "
                        f"{paths.warehouse_dir}; waited {wait_seconds:.0f} s."
                    ) from None
                time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)
