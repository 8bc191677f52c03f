"""A tiny flow for the service tests: it appends its parameter and its process id to a file,
so a test sees which process (hence which worker) ran it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from prefect import flow


@flow(name="tiny")
def tiny(value: str, out: str, sleep: float = 0.0) -> str:
    """Append "value pid" to ``out``, then sleep ``sleep`` s (time to kill its worker);
    return the line."""
    line = f"{value} {os.getpid()}"
    with Path(out).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    time.sleep(sleep)
    return line
