"""Print the HTML report to an A4 PDF with headless Chromium (a child process; never raises)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from flows import settings

TIMEOUT_SECONDS = 60
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
]


def find_chromium() -> str | None:
    """VLPIPE_CHROMIUM if set (and present), else chromium on the PATH."""
    configured = settings.current().chromium
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium")


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# One process instead of browser + zygote + renderer + GPU + utility processes: the same
# PDF with about half the summed RSS (1,070 → 580 MB measured; PSS 506 → 471 MB). Chromium
# calls it a debugging mode, so a failure is retried in the normal process model.
LEAN_FLAGS = ["--single-process"]


def print_pdf(html: Path, pdf: Path, *, timeout: float = TIMEOUT_SECONDS) -> str | None:
    """Write pdf from html; None when done, else the reason no PDF was written."""
    reason = _print_pdf(html, pdf, LEAN_FLAGS, timeout)
    if reason is not None and not reason.startswith("chromium not found"):
        reason = _print_pdf(html, pdf, [], timeout)
    return reason


def _print_pdf(html: Path, pdf: Path, extra: list[str], timeout: float) -> str | None:
    binary = find_chromium()
    if binary is None:
        configured = settings.current().chromium
        return (
            f"chromium not found (VLPIPE_CHROMIUM={configured})"
            if configured
            else "chromium not found on PATH"
        )
    partial = pdf.with_name(f".{pdf.name}.partial")
    partial.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="vlpipe-chromium-")
    cmd = [
        binary,
        *FLAGS,
        *extra,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={partial}",
        html.resolve().as_uri(),
    ]
    try:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return f"chromium timed out after {timeout:g} s"
        if proc.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
            tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            return f"chromium failed (exit {proc.returncode}){': ' + tail[0] if tail else ''}"
        with partial.open("rb") as fh:
            if fh.read(5) != b"%PDF-":
                return "chromium wrote something that is not a PDF"
        os.replace(partial, pdf)
        return None
    except OSError as exc:
        return f"chromium could not run: {exc}"
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        partial.unlink(missing_ok=True)


def write_pdf(html: Path, pdf: Path) -> str | None:
    """print_pdf, with any stale PDF removed when no new one could be written."""
    try:
        reason = print_pdf(html, pdf)
    except Exception as exc:  # noqa: BLE001 — a PDF must never fail the nightly run
        reason = f"PDF failed: {type(exc).__name__}: {exc}"
    if reason is not None:
        pdf.unlink(missing_ok=True)
    return reason
