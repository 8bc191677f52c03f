"""Wall time and peak memory (RSS of the whole process tree) of a child process.

The tree is sampled every 0.2 s from /proc: the RSS of each process (summed, so pages shared
between processes count more than once), which kind of process holds it at the peak, and
the tree's PSS (shared pages divided among their sharers). A peak shorter than the sampling
interval can be missed.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.2
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    seconds: float
    peak_rss: int  # bytes, whole process tree
    started_at: float  # epoch seconds
    returncode: int
    output: str  # stdout + stderr (the tail is shown when a stage fails)
    peak_pss: int = 0  # bytes: proportional set size, shared pages counted once
    peak_parts: dict[str, int] | None = None  # RSS by kind of process at the RSS peak


def _children_proc() -> dict[int, list[int]]:
    """ppid → pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss_proc(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _label(pid: int) -> str:
    """What a process of the tree is: the flow, dbt, the Prefect server, Chromium…"""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = b" ".join(args[:4]).decode(errors="replace")
    for needle, label in (
        ("chrom", "chromium (report PDF)"),
        ("/dbt", "dbt"),
        ("uvicorn", "Prefect server"),
        ("prefect.server", "Prefect server"),
        ("vlpipe", "vlpipe run (flow process)"),
    ):
        if needle in text:
            return label
    return Path(args[0].decode(errors="replace")).name or "?"


def _pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_parts(pid: int) -> tuple[dict[str, int], int]:
    """(RSS by kind of process, PSS of the whole tree), from /proc."""
    tree, parts, pss, todo = _children_proc(), {}, 0, [pid]
    while todo:
        p = todo.pop()
        label = _label(p)
        parts[label] = parts.get(label, 0) + _rss_proc(p)
        pss += _pss(p)
        todo += tree.get(p, [])
    return parts, pss


def _oom_first(pid: int) -> None:
    """Should memory run out, the kernel kills this benchmark process (and its children,
    which inherit the setting) before anything else running on the machine."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/oom_score_adj").write_text("1000")


def run_measured(
    cmd: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Measured:
    """Run ``cmd`` to the end, sampling its tree's RSS; output captured in a temp file."""
    import tempfile

    peak, peak_pss, peak_parts = 0, 0, None
    with tempfile.TemporaryFile() as out:
        started_at, started = time.time(), time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _oom_first(proc.pid)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss, peak_parts
            while not done.is_set():
                parts, pss = tree_parts(proc.pid)
                total = sum(parts.values())
                if total > peak:
                    peak, peak_parts = total, parts
                peak_pss = max(peak_pss, pss)
                done.wait(INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            returncode = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            returncode = proc.wait()
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
    return Measured(seconds, peak, started_at, returncode, output, peak_pss, peak_parts)
