"""Wall time and peak memory (RSS of the whole process tree) of a child process.

The tree is sampled every 0.2 s: psutil when installed, else /proc. A peak shorter than the
sampling interval can be missed.
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


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        return total
    tree, total, todo = _children_proc(), 0, [pid]
    while todo:
        p = todo.pop()
        total += _rss_proc(p)
        todo += tree.get(p, [])
    return total


def _oom_first(pid: int) -> None:
    """Should memory run out, the kernel kills this benchmark process (and its children,
    which inherit the setting) before anything else running on the machine."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/oom_score_adj").write_text("1000")


def run_measured(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float | None = None) -> Measured:
    """Run ``cmd`` to the end, sampling its tree's RSS; output captured in a temp file."""
    import tempfile

    peak = 0
    with tempfile.TemporaryFile() as out:
        started_at, started = time.time(), time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _oom_first(proc.pid)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
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
    return Measured(seconds, peak, started_at, returncode, output)
