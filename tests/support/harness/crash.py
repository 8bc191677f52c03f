"""Crash-safety harness: kill `vlpipe run` with SIGKILL at random moments, then check the damage.

    python -m tests.support.harness.crash --trials 30 --seed 1 [--workdir DIR] [--keep]

A benchmark-style script, not a timed test (``tests/e2e/test_crash_safety.py`` runs two trials).
Once: one small dataset (scale 0.3, seed 7) and baseline runs never interrupted — the
reference run (empty warehouse → all files; its ``marts.kpi_scorecard`` is the reference),
a run over half the files, then the rest on a copy of it, and a re-run over a complete
warehouse. Their durations bound the random kill delays and their warehouses are the
starting states of the trials:

- ``empty``: an empty warehouse, every file new;
- ``half``: a warehouse holding a complete publication of a run over about half the files
  (every source's earliest files, all of ``reference/``), the rest of the files added;
- ``full``: a warehouse holding a complete publication of every file (nothing new to load:
  the run is started with ``--rebuild``, so it rebuilds, audits and publishes over a previous
  publication; the follow-up run, without it, finds nothing new).

Each trial copies the raw files and its starting warehouse to a fresh folder, starts
``vlpipe run`` in its own process group, SIGKILLs the whole group after a delay drawn
uniformly in [0.5 s, that state's run duration] (every fourth trial instead kills at a
random moment of the ~1 s publish stage, which a uniform draw almost never hits), records
the stage it was in (from the run's log), then checks:

a. ``published.json`` absent and nothing published, or ``vinhlinh.duckdb`` opens read-only
   and every table's row count and checksum (as flows/publish.py computes it) match
   ``published.json`` (or, killed between publish's two renames, match the next staged
   version: a warning), and every Parquet dataset under ``parquet/<table>/`` has the row count
   published.json states;
b. ``private/pipeline.duckdb`` opens (read-only) and its ledger answers;
c. a follow-up ``vlpipe run`` on the same folders exits 0;
d. the follow-up's ``kpi_scorecard`` equals the reference run's.

One line per trial, a final table, exit status 1 when any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import pickle
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb

from tests.support.sample import PII_KEY  # the test suite's key; not a secret

PROJECT_ROOT = Path(__file__).resolve().parents[3]
_SCRIPT = Path(sys.executable).with_name("vlpipe")
VLPIPE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "flows.cli"]
DATA_SEED = 7
DATA_SCALE = 0.3
STATES = ("empty", "half", "full")
STAGES = (
    "startup",
    "ingest",
    "feedback",
    "transform",
    "audit",
    "publish",
    "finalize",
    "shutdown",
    "not killed",
)
CHECKS = ("a_published", "b_private", "c_follow_up", "d_kpis")
RUN_TIMEOUT = 900.0

_FINISHED = re.compile(r"Task run '([^']+)' - Finished in state")
_FLOW_BEGUN = re.compile(r"Flow run '[^']+' - Beginning flow run")
_FLOW_DONE = re.compile(r"Flow run '[^']+' - Finished in state")
_AUDIT_DONE = re.compile(r"Task run 'audit-[^']+' - Finished in state")
_STAMP = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) \| ")


def _last_source() -> str:
    from schemas.registry import SOURCES

    return SOURCES[-1].name


# --------------------------------------------------------------------------- running


def run_env(prefect_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "VLPIPE_PII_KEY": PII_KEY,
            "PREFECT_HOME": str(prefect_home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("PREFECT_API_URL", None)  # a test session's server must not serve these runs
    return env


def start_run(
    raw: Path, warehouse: Path, log: Path, prefect_home: Path, rebuild: bool = False
) -> subprocess.Popen:
    """`vlpipe run` in a new session (its own process group), stdout and stderr to ``log``.

    ``rebuild``: build and publish even with nothing new (the ``full`` state's trials)."""
    prefect_home.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        return subprocess.Popen(
            [
                *VLPIPE,
                "run",
                "--raw-dir",
                str(raw),
                "--warehouse-dir",
                str(warehouse),
                *(["--rebuild"] if rebuild else []),
            ],
            cwd=PROJECT_ROOT,
            env=run_env(prefect_home),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def run_to_end(
    raw: Path, warehouse: Path, log: Path, prefect_home: Path, rebuild: bool = False
) -> tuple[int, float]:
    """A run never interrupted: (exit code, seconds)."""
    started = time.monotonic()
    proc = start_run(raw, warehouse, log, prefect_home, rebuild)
    try:
        rc = proc.wait(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        rc = -999
    reap_strays(prefect_home)
    return rc, time.monotonic() - started


def kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # pgid == pid: start_new_session=True
    proc.wait()


def reap_strays(prefect_home: Path) -> list[int]:
    """Processes of this run that left its process group (their environment names its
    unique PREFECT_HOME); SIGKILLed by pid. Returns their pids (normally none)."""
    marker = f"PREFECT_HOME={prefect_home}\0".encode()
    strays = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes():
                strays.append(int(entry.name))
        except OSError:
            continue
    for pid in strays:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return strays


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def stage_of(log_text: str, last_source: str | None = None) -> str:
    """Best-effort stage of a run from its log so far (tasks log only when they finish)."""
    if not _FLOW_BEGUN.search(log_text):
        return "startup"
    if _FLOW_DONE.search(log_text):
        return "shutdown"
    finished = _FINISHED.findall(log_text)
    if not finished:
        return "ingest"
    last = finished[-1]
    kind = last.split("-", 1)[0]
    if kind == "ingest":
        return "feedback" if last == f"ingest-{last_source or _last_source()}" else "ingest"
    return {
        "feedback": "transform",
        "transform": "audit",
        "audit": "publish",
        "publish": "finalize",
    }.get(kind, "?")


def _seconds(line: str) -> float | None:
    m = _STAMP.match(line)
    return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3]) if m else None


def publish_seconds(log_text: str) -> float:
    """How long the publish stage took in a finished run's log (audit done → publish done)."""
    audit = publish = None
    for line in log_text.splitlines():
        if _AUDIT_DONE.search(line):
            audit = _seconds(line)
        elif re.search(r"Task run 'publish-[^']+' - Finished in state", line):
            publish = _seconds(line)
    if audit is None or publish is None or publish < audit:
        return 1.0
    return max(publish - audit, 0.2)


@dataclasses.dataclass
class Kill:
    """When to kill: ``delay`` seconds after the start, or ``offset`` seconds after the first
    log line matching ``after`` (a regex)."""

    delay: float | None = None
    after: str | None = None
    offset: float = 0.0
    label: str = ""  # how ``after`` reads in the report

    def describe(self) -> str:
        if self.after:
            return f"{self.offset:.2f}s after {self.label or '/' + self.after + '/'}"
        return f"at {self.delay:.2f}s"


def run_and_kill(
    raw: Path, warehouse: Path, log: Path, prefect_home: Path, kill: Kill, rebuild: bool = False
) -> tuple[bool, str, float, int | None]:
    """Start a run and SIGKILL its process group as ``kill`` says.

    Returns (killed, stage at the kill, seconds since the start, exit code if it ended first).
    """
    last_source = _last_source()
    started = time.monotonic()
    proc = start_run(raw, warehouse, log, prefect_home, rebuild)
    pattern = re.compile(kill.after) if kill.after else None
    deadline = started + kill.delay if kill.delay is not None else None
    while True:
        rc = proc.poll()
        if rc is not None:
            reap_strays(prefect_home)
            return False, "not killed", time.monotonic() - started, rc
        now = time.monotonic()
        if deadline is None and pattern is not None and pattern.search(read_text(log)):
            deadline = now + kill.offset
        if deadline is not None and now >= deadline:
            stage = stage_of(read_text(log), last_source)
            kill_group(proc)
            strays = reap_strays(prefect_home)
            if strays:
                stage += f" (+{len(strays)} strays)"
            return True, stage, now - started, None
        if now - started > RUN_TIMEOUT:
            kill_group(proc)
            reap_strays(prefect_home)
            return True, "timeout", now - started, None
        time.sleep(0.02)


# --------------------------------------------------------------------------- checks


def scorecard(warehouse: Path) -> tuple[list[str], list[tuple]]:
    """marts.kpi_scorecard of the published analyst file: column names, all rows sorted."""
    with duckdb.connect(str(warehouse / "vinhlinh.duckdb"), read_only=True) as con:
        cur = con.execute("select * from marts.kpi_scorecard order by all")
        return [d[0] for d in cur.description], cur.fetchall()


def compare_scorecards(
    reference: tuple[list[str], list[tuple]], other: tuple[list[str], list[tuple]]
) -> str | None:
    """None when equal (floats to 1e-9 relative: sums may add in another order)."""
    (ref_cols, ref_rows), (cols, rows) = reference, other
    if ref_cols != cols:
        return f"columns differ: {cols} != {ref_cols}"
    if len(ref_rows) != len(rows):
        return f"{len(rows)} rows != reference {len(ref_rows)}"
    diffs = []
    for ref_row, row in zip(ref_rows, rows, strict=True):
        for name, a, b in zip(cols, ref_row, row, strict=True):
            same = (
                math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
                if isinstance(a, float) and isinstance(b, float)
                else a == b
            )
            if not same:
                diffs.append(f"{row[0]}/{row[2]}.{name}: {b!r} != reference {a!r}")
    return None if not diffs else f"{len(diffs)} values differ, e.g. " + "; ".join(diffs[:3])


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def published_state(db: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Row counts and checksums (flows/publish.py's formula) of every table in marts."""
    counts, sums = {}, {}
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' "
                "order by table_name"
            ).fetchall()
        ]
        for name in names:
            counts[name] = con.execute(f"select count(*) from marts.{name}").fetchone()[0]
            sums[name] = con.execute(
                f"select coalesce(bit_xor(hash(t)), 0)::varchar from marts.{name} t"
            ).fetchone()[0]
    return counts, sums


def _which_version(warehouse: Path, counts: dict, sums: dict) -> str:
    for manifest in sorted(warehouse.glob(".versions/*/manifest.json")):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("tables") == counts and data.get("checksums") == sums:
            return manifest.parent.name
    return "no known version"


def check_publication(warehouse: Path) -> tuple[str, list[str], list[str]]:
    """Check (a). Returns (published version or 'none', problems, warnings)."""
    record = warehouse / "published.json"
    analyst = warehouse / "vinhlinh.duckdb"
    link = warehouse / "parquet"
    problems: list[str] = []
    warnings: list[str] = []
    if not record.exists():  # nothing published yet, or killed during the first publication
        if link.exists():
            problems.append("parquet exists but published.json does not")
        if analyst.exists():  # the first rename done, not the second: complete, or a problem
            holds = _which_version(warehouse, *published_state(analyst))
            if holds == "no known version":
                problems.append("vinhlinh.duckdb exists, matches no version, no published.json")
            else:
                warnings.append(f"vinhlinh.duckdb holds {holds}, before its first published.json")
        return "none", problems, warnings
    try:
        manifest = json.loads(record.read_text(encoding="utf-8"))
        version, tables, checksums = (
            manifest["version"],
            manifest["tables"],
            manifest["checksums"],
        )
    except (ValueError, KeyError) as exc:
        return "unreadable", [f"published.json unreadable: {exc!r}"], warnings
    try:
        counts, sums = published_state(analyst)
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        return version, [f"vinhlinh.duckdb does not open read-only: {exc!r}"], warnings
    if set(counts) != set(tables):
        problems.append(
            f"tables differ from published.json: "
            f"extra {sorted(set(counts) - set(tables))}, "
            f"missing {sorted(set(tables) - set(counts))}"
        )
    bad = [t for t in tables if counts.get(t) != tables[t] or sums.get(t) != checksums.get(t)]
    if bad:
        # Killed between the two renames of flows/publish.py: the analyst file may hold the
        # next version, complete, while the pointer still names this one.
        holds = _which_version(warehouse, counts, sums)
        if holds == "no known version":
            problems.append(
                f"vinhlinh.duckdb: {len(bad)} tables differ from published.json "
                f"(e.g. {bad[:3]}) and match no published version"
            )
        else:
            warnings.append(f"vinhlinh.duckdb holds {holds}, published.json says {version}")
    with duckdb.connect() as con:
        for table, expected in tables.items():
            glob = f"{link}/{table}/**/*.parquet"
            try:
                n = con.execute(
                    f"select count(*) from read_parquet({_quote(glob)}, hive_partitioning = true)"
                ).fetchone()[0]
            except Exception as exc:  # noqa: BLE001
                problems.append(f"parquet/{table} unreadable: {exc!s:.200}")
                continue
            if n != expected:
                problems.append(f"parquet/{table}: {n} rows, published.json says {expected}")
    if link.is_symlink():
        target = os.path.realpath(link)
        if version not in target:
            warnings.append(f"parquet -> {target}, published.json says {version}")
    else:
        problems.append("parquet is not a symbolic link")
    return version, problems, warnings


def check_private(warehouse: Path) -> tuple[str | None, str]:
    """Check (b): (problem or None, note)."""
    db = warehouse / "private" / "pipeline.duckdb"
    if not db.exists():
        return None, "no private db yet"
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            has_ops = con.execute(
                "select count(*) from duckdb_tables() "
                "where schema_name = 'ops' and table_name = 'files'"
            ).fetchone()[0]
            if not has_ops:
                return None, "opens (no ledger yet)"
            files = con.execute("select count(*) from ops.files").fetchone()[0]
            runs = con.execute("select count(*) from ops.runs").fetchone()[0]
        return None, f"opens ({files} files, {runs} runs in the ledger)"
    except Exception as exc:  # noqa: BLE001 - any failure to open is the finding
        return f"private db does not open: {exc!s:.300}", ""


# --------------------------------------------------------------------------- set-up


def make_dataset(out: Path) -> Path:
    from synth import generate

    generate(out, seed=DATA_SEED, scale=DATA_SCALE)
    return out


def _arrival_order(files: list[Path]) -> list[Path]:
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))


def half_of(raw: Path, out: Path) -> int:
    """Copy every source's earlier half of files (arrival order) and all of reference/."""
    count = 0
    for source_dir in sorted(p for p in raw.iterdir() if p.is_dir()):
        files = _arrival_order([p for p in source_dir.rglob("*") if p.is_file()])
        keep = files if source_dir.name == "reference" else files[: (len(files) + 1) // 2]
        for f in keep:
            target = out / f.relative_to(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
            count += 1
    return count


def copy_warehouse(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)


@dataclasses.dataclass
class Baseline:
    workdir: Path
    raw: Path
    reference: tuple[list[str], list[tuple]]
    durations: dict[str, float]  # state → seconds of an uninterrupted run from it
    templates: dict[str, Path | None]  # state → warehouse to start from (None: empty)
    publish_seconds: float


def prepare(workdir: Path, say: Callable[[str], None] = print) -> Baseline:
    """Dataset, reference run and the starting warehouses (four uninterrupted runs).

    Kept in ``<workdir>/baseline`` and reused by later invocations with the same workdir.
    """
    base = workdir / "baseline"
    saved = base / "baseline.pickle"
    if saved.exists():
        baseline = pickle.loads(saved.read_bytes())
        say(
            f"reusing the baseline in {base}: durations "
            + ", ".join(f"{k} {v:.1f}s" for k, v in baseline.durations.items())
        )
        return baseline
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    raw = make_dataset(base / "raw")
    say(f"dataset: {sum(1 for p in raw.rglob('*') if p.is_file())} files in {raw}")

    ref_wh = base / "wh-reference"
    rc, secs = run_to_end(raw, ref_wh, base / "reference.log", base / "prefect")
    if rc != 0:
        raise SystemExit(f"reference run failed (exit {rc}), see {base / 'reference.log'}")
    if "Error logging to API" in read_text(base / "reference.log"):  # Prefect after its server
        raise SystemExit(f"the run's output ends in a Prefect error: {base / 'reference.log'}")
    reference = scorecard(ref_wh)
    say(f"reference run: exit 0 in {secs:.1f}s, kpi_scorecard {len(reference[1])} rows")
    durations = {"empty": secs}
    pub_secs = publish_seconds(read_text(base / "reference.log"))

    half_raw = base / "raw-half"
    n = half_of(raw, half_raw)
    half_wh = base / "wh-half"
    rc, secs = run_to_end(half_raw, half_wh, base / "half.log", base / "prefect")
    if rc != 0 or not (half_wh / "published.json").exists():
        raise SystemExit(f"half run failed (exit {rc}), see {base / 'half.log'}")
    say(f"half run ({n} files): exit 0 in {secs:.1f}s")

    rest_wh = base / "wh-half-then-rest"
    copy_warehouse(half_wh, rest_wh)
    rc, secs = run_to_end(raw, rest_wh, base / "rest.log", base / "prefect")
    diff = compare_scorecards(reference, scorecard(rest_wh)) if rc == 0 else f"exit {rc}"
    if diff:
        raise SystemExit(f"half-then-rest run (no kill) differs from the reference: {diff}")
    durations["half"] = secs
    say(f"rest run on the half warehouse: exit 0 in {secs:.1f}s, KPIs = reference")

    full_wh = base / "wh-full-rerun"
    copy_warehouse(ref_wh, full_wh)
    rc, secs = run_to_end(raw, full_wh, base / "rerun.log", base / "prefect", rebuild=True)
    diff = compare_scorecards(reference, scorecard(full_wh)) if rc == 0 else f"exit {rc}"
    if diff:
        raise SystemExit(f"re-run over a complete warehouse differs from the reference: {diff}")
    durations["full"] = secs
    say(f"re-run on a complete warehouse: exit 0 in {secs:.1f}s, KPIs = reference")
    say(f"publish stage lasts ~{pub_secs:.2f}s")
    baseline = Baseline(
        workdir,
        raw,
        reference,
        durations,
        {"empty": None, "half": half_wh, "full": ref_wh},
        pub_secs,
    )
    saved.write_bytes(pickle.dumps(baseline))
    return baseline


# --------------------------------------------------------------------------- trials


@dataclasses.dataclass
class TrialResult:
    index: int
    state: str
    plan: str
    killed: bool
    stage: str
    at_seconds: float
    published_before: str
    published_after: str
    failures: dict[str, str]  # check → why
    notes: list[str]
    follow_up_seconds: float
    dir: Path

    @property
    def ok(self) -> bool:
        return not self.failures

    def line(self) -> str:
        pub = (
            "none"
            if self.published_after == "none"
            else "previous"
            if self.published_after == self.published_before
            else "new"
        )
        status = (
            "ok" if self.ok else "FAIL " + "; ".join(f"{k}: {v}" for k, v in self.failures.items())
        )
        kill = (
            f"killed in {self.stage:<9} at {self.at_seconds:5.1f}s"
            if self.killed
            else (f"ended before the kill ({self.at_seconds:.1f}s)")
        )
        notes = f"  [{'; '.join(self.notes)}]" if self.notes else ""
        return (
            f"trial {self.index:3d} {self.state:<5} {self.plan:<24} {kill}; "
            f"published: {pub:<8} follow-up {self.follow_up_seconds:5.1f}s  {status}{notes}"
        )


def setup_trial(baseline: Baseline, state: str, trial_dir: Path) -> tuple[Path, Path]:
    raw = trial_dir / "raw"
    shutil.copytree(baseline.raw, raw)  # copy2: modification times (arrival order) kept
    warehouse = trial_dir / "warehouse"
    template = baseline.templates[state]
    if template is None:
        warehouse.mkdir(parents=True)
    else:
        copy_warehouse(template, warehouse)
    return raw, warehouse


def run_trial(
    baseline: Baseline, index: int, state: str, kill: Kill, trial_dir: Path
) -> TrialResult:
    trial_dir.mkdir(parents=True, exist_ok=True)
    raw, warehouse = setup_trial(baseline, state, trial_dir)
    prefect_home = trial_dir / "prefect"
    before = "none"
    if (warehouse / "published.json").exists():
        before = json.loads((warehouse / "published.json").read_text("utf-8"))["version"]
    killed, stage, at, rc = run_and_kill(
        raw, warehouse, trial_dir / "killed.log", prefect_home, kill, rebuild=state == "full"
    )
    failures: dict[str, str] = {}
    notes: list[str] = []
    if not killed and rc != 0:
        notes.append(f"un-killed run exited {rc}")

    after, problems, warnings = check_publication(warehouse)
    if problems:
        failures["a_published"] = " | ".join(problems)
    notes += warnings
    problem, note = check_private(warehouse)
    if problem:
        failures["b_private"] = problem

    rc, follow_secs = run_to_end(raw, warehouse, trial_dir / "follow-up.log", prefect_home)
    if rc != 0:
        tail = read_text(trial_dir / "follow-up.log").strip().splitlines()[-3:]
        failures["c_follow_up"] = f"exit {rc}: {' / '.join(tail)[:400]}"
    else:
        try:
            diff = compare_scorecards(baseline.reference, scorecard(warehouse))
        except Exception as exc:  # noqa: BLE001
            diff = f"scorecard unreadable: {exc!r}"
        if diff:
            failures["d_kpis"] = diff
        _, post_problems, _ = check_publication(warehouse)
        if post_problems:
            failures["a_published"] = (
                failures.get("a_published", "") + " | after follow-up: " + " | ".join(post_problems)
            ).lstrip(" |")
    return TrialResult(
        index,
        state,
        kill.describe(),
        killed,
        stage,
        at,
        before,
        after,
        failures,
        notes,
        follow_secs,
        trial_dir,
    )


def plan_kill(rng: random.Random, baseline: Baseline, index: int, state: str) -> Kill:
    if index % 4 == 3:  # a moment inside the ~1 s publish stage
        return Kill(
            after=_AUDIT_DONE.pattern,
            label="audit",
            offset=rng.uniform(0.0, baseline.publish_seconds),
        )
    return Kill(delay=rng.uniform(0.5, baseline.durations[state]))


def summary_table(results: list[TrialResult]) -> str:
    killed = Counter(r.stage.split(" (")[0] if r.killed else "not killed" for r in results)
    by_state = Counter(r.state for r in results)
    failed_checks = Counter(c for r in results for c in r.failures)
    outcome = Counter(
        (
            "none"
            if r.published_after == "none"
            else "previous"
            if r.published_after == r.published_before
            else "new"
        )
        for r in results
    )
    lines = [
        "",
        "=" * 60,
        f"trials: {len(results)}   passed: {sum(r.ok for r in results)}   "
        f"failed: {sum(not r.ok for r in results)}",
        "starting state: " + ", ".join(f"{s} {by_state[s]}" for s in STATES),
        "killed in stage:",
    ]
    lines += [f"  {s:<11} {killed[s]:3d}" for s in STAGES if killed[s]]
    lines += [f"  {s:<11} {n:3d}" for s, n in killed.items() if s not in STAGES]
    lines.append(
        "publication after the kill: "
        + ", ".join(f"{k} {outcome[k]}" for k in ("none", "previous", "new") if outcome[k])
    )
    lines.append("failures by check:")
    lines += [f"  {c:<12} {failed_checks[c]:3d}" for c in CHECKS]
    lines.append("=" * 60)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.harness.crash", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where trials run (default: a new temporary folder)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep every trial's folder (default: only failed trials')",
    )
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="vlpipe-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(
        f"crash harness: {args.trials} trials, seed {args.seed}, workdir {workdir} "
        f"({dt.datetime.now():%Y-%m-%d %H:%M})",
        flush=True,
    )
    baseline = prepare(workdir, say=lambda s: print(s, flush=True))
    rng = random.Random(args.seed)
    trials_dir = workdir / f"trials-seed{args.seed}-{dt.datetime.now():%Y%m%dT%H%M%S}"
    results: list[TrialResult] = []
    for i in range(args.trials):
        state = STATES[i % len(STATES)]
        kill = plan_kill(rng, baseline, i, state)
        trial_dir = trials_dir / f"trial-{i:03d}"
        result = run_trial(baseline, i, state, kill, trial_dir)
        results.append(result)
        print(result.line(), flush=True)
        if result.ok and not args.keep:
            shutil.rmtree(trial_dir, ignore_errors=True)
    print(summary_table(results))
    print(f"total {time.monotonic() - started:.0f}s; logs of failed trials under {workdir}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
