"""Scale-out (issue 15): `vlpipe run` with its areas ingested by Prefect process workers into
a DuckLake on PostgreSQL, measured for areas × workers, and a projection to 10 and 700 areas.

One PostgreSQL cluster and one Prefect server (its database on the cluster) serve the whole
grid (tests/support/services.py); per worker count a deployment ``area-ingest/area-ingest``
with that concurrency limit and that many process workers (one slot each); per measurement a
fresh lake (a new catalog database, a new data folder) and a fresh warehouse. Each point is a
first night (everything new) and a quiet night (the same files again, a new ``--night``).

The child flow runs' times come from Prefect's own records (expected start, start, end) and
each area's lake commit from its log line "Area …: load … committed, N new file(s), R
row(s)". The writer's part is the night's wall time minus the union of the child runs'
[expected start, end] intervals (the area waves): start-up, copying the loads from the
lake, dbt, the audit and publishing into the lake.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import math
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from bench import runlog
from bench.dataset import ROOT
from bench.measure import run_measured

if TYPE_CHECKING:
    from tests.support.services import PostgresCluster, PrefectServer

POOL = "bench-areas"
ENTRYPOINT = "flows/scale/area_run.py:area_ingest"
DEPLOYMENT = "area-ingest"
SEED = 7
PII_KEY = "demo-key-for-synthetic-sample-only"
STAMP = ".bench-province.json"
COMMITTED = re.compile(r"Area (\S*): load \S+ committed, (\d+) new file\(s\), (\d+) row\(s\)")
NIGHT_HOURS = 5.0  # 01:00 → 06:00
SLOTS_PER_MACHINE = 2  # one area run per core of a 2-core machine, as the 2-worker points
PROJECTED_AREAS = (10, 700)
HEADING = "Scale-out (issue 15)"


def log(msg: str) -> None:
    print(f"[bench scale-out {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# ------------------------------------------------------------------------ datasets


def province(work: Path, areas: int, scale: float) -> Path:
    """The generated province of ``areas`` areas (cached while the generator is unchanged)."""
    root = work / f"province-{areas}a-{scale:g}"
    stamp = {"areas": areas, "scale": scale, "seed": SEED, "generator": _synth_hash()}
    if (root / STAMP).exists() and json.loads((root / STAMP).read_text()) == stamp:
        return root
    shutil.rmtree(root, ignore_errors=True)
    cmd = [sys.executable, "-m", "synth", "--out", str(root), "--areas", str(areas)]
    cmd += ["--seed", str(SEED), "--scale", f"{scale:g}"]
    m = run_measured(cmd, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    if m.returncode != 0:
        raise RuntimeError(f"generator failed ({m.returncode}):\n{m.output}")
    (root / STAMP).write_text(json.dumps(stamp))
    return root


def _synth_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "synth").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def plan_of(areas: int) -> str:
    """The plan the summary shows: the province's, or Vĩnh Linh's for a single area."""
    return "QT-2022" if areas > 1 else "VL-2022"


# ------------------------------------------------------------------------ services


@dataclass
class Services:
    cluster: PostgresCluster
    server: PrefectServer
    env: dict[str, str]
    base: Path


@contextlib.contextmanager
def services(base: Path) -> Iterator[Services]:
    """One PostgreSQL cluster and one Prefect server for the whole grid; stopped after."""
    from tests.support.services import PostgresCluster, PrefectServer, create_process_pool

    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(PostgresCluster.start(base))
        cluster.create_database("prefect")
        server = PrefectServer.start(cluster.sqlalchemy_url("prefect"), base / "prefect-home")
        stack.callback(server.stop)
        env = server.env()
        create_process_pool(env, POOL, None)
        yield Services(cluster, server, env, base)


@contextlib.contextmanager
def workers(svc: Services, count: int) -> Iterator[None]:
    """``count`` process workers of one slot each, stopped after."""
    from tests.support.services import Worker

    extra = {"VLPIPE_PII_KEY": PII_KEY}
    started = [
        Worker.start(svc.env, POOL, f"w{count}-{i}", limit=1, extra_env=extra, wait=None)
        for i in range(count)
    ]
    try:
        for worker in started:
            worker.wait_online(svc.env)
        yield
    finally:
        for worker in started:
            worker.stop()


def deploy_for(svc: Services, count: int, lake_env: dict[str, str]) -> UUID:
    """The deployment ``area-ingest/area-ingest``, its concurrency limit ``count``, its runs'
    environment this measurement's lake (the workers stay up between measurements)."""
    from tests.support.services import deploy

    return deploy(
        svc.env,
        ENTRYPOINT,
        DEPLOYMENT,
        POOL,
        concurrency_limit=count,
        job_variables={"env": lake_env},
    )


# ------------------------------------------------------------------------ one night


def night(
    svc: Services,
    deployment_id: UUID,
    slots: int,
    raw: Path,
    warehouse: Path,
    lake: dict,
    name: str,
) -> dict:
    """One `vlpipe run` in the scale-out mode; wall time, rows, files, the area runs."""
    from tests.support.services import clean_environ

    cmd = [str(Path(sys.executable).parent / "vlpipe"), "run", "--raw-dir", str(raw)]
    cmd += ["--warehouse-dir", str(warehouse), "--plan", lake["plan"], "--night", name]
    env = clean_environ() | svc.env | lake["env"] | {"PYTHONPATH": str(ROOT)}
    load = os.getloadavg()[0]
    m = run_measured(cmd, cwd=ROOT, env=env, timeout=3600)
    (warehouse.parent / f"{name}.log").write_text(m.output)
    result: dict = {"night": name, "seconds": m.seconds, "load": load, "exit": m.returncode}
    result["phases"] = runlog.phases(m.output, m.started_at, m.seconds)
    if found := re.search(r"Rows: ([\d,]+) loaded, ([\d,]+) rejected", m.output):
        result["rows"] = int(found.group(1).replace(",", ""))
        result["rows_rejected"] = int(found.group(2).replace(",", ""))
    if found := re.search(r"Files: (\d+) loaded, (\d+) skipped, (\d+) rejected", m.output):
        result["files"], result["files_skipped"], result["files_rejected"] = map(
            int, found.groups()
        )
    if m.returncode != 0:
        result["error"] = f"exit {m.returncode}: {m.output[-1500:]}"
    runs = area_runs(svc.env, deployment_id, name, slots)
    result["runs"] = runs
    spans = [(r["expected"], r["end"]) for r in runs if r.get("end") is not None]
    result["areas_span"] = union_length(spans)
    result["writer"] = m.seconds - result["areas_span"]
    return result


def area_runs(env: dict[str, str], deployment_id: UUID, night_name: str, slots: int) -> list[dict]:
    """The night's child runs (idempotency key ``vlpipe:<night>:…``) from Prefect's records:
    epoch times, start latency, run seconds, and the lake commit from the run's log."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    from tests.support.services import api

    only = DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id]))
    prefix = f"vlpipe:{night_name}:"
    out = []
    with api(env), get_client(sync_client=True) as client:
        latest = client.read_flow_runs(  # the newest first: tonight's are among them
            deployment_filter=only, sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200
        )
        for run in latest:
            if not (run.idempotency_key or "").startswith(prefix):
                continue
            start, end = run.start_time, run.end_time
            expected = run.expected_start_time
            item = {
                "area": run.parameters.get("area_code", ""),
                "state": run.state.name if run.state else None,
                "expected": expected.timestamp() if expected else None,
                "start": start.timestamp() if start else None,
                "end": end.timestamp() if end else None,
                "latency": (start - expected).total_seconds() if start and expected else None,
                "run_s": (end - start).total_seconds() if start and end else None,
            }
            item.update(_commit(client, run.id, start))
            out.append(item)
    return start_latency(sorted(out, key=lambda r: r["expected"] or 0), slots)


def start_latency(runs: list[dict], slots: int) -> list[dict]:
    """Each run's ``latency``: from the moment it could start to its start, so that waiting
    for a slot (``queued``) is not counted as start-up. Runs take the ``slots`` in the order
    they start: the k-th can start at its expected start or when the (k − slots + 1)-th of
    the runs before it ended, whichever is later."""
    started = sorted(
        (r for r in runs if r["start"] is not None and r["expected"] is not None),
        key=lambda r: r["start"],
    )
    for k, run in enumerate(started):
        ends = sorted(r["end"] for r in started[:k] if r["end"] is not None)
        ready = run["expected"]
        if k >= slots and len(ends) > k - slots:
            ready = max(ready, ends[k - slots])
        run["queued"] = ready - run["expected"]
        run["latency"] = run["start"] - ready
    return runs


def _commit(client: Any, flow_run_id: UUID, start: datetime | None) -> dict:
    """The run's lake commit: seconds after its start, new files and rows (its log line)."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    only = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id]))
    offset = 0
    while logs := client.read_logs(log_filter=only, limit=200, offset=offset):
        for entry in logs:
            if found := COMMITTED.search(entry.message):
                return {
                    "commit_s": (entry.timestamp - start).total_seconds() if start else None,
                    "files": int(found.group(2)),
                    "rows": int(found.group(3)),
                }
        offset += len(logs)
    return {}


def fill_phases(data: dict, work: Path) -> dict:
    """The nights' phases (runlog.phases) from their saved logs where the results lack them
    (results of an earlier version); the log's mtime − its seconds is when it started."""
    for point in data["points"]:
        for kind in ("first", "quiet"):
            r = point.get(kind)
            if not r or r.get("phases"):
                continue
            log_file = work / "services" / r["night"].rsplit("-", 1)[0] / f"{r['night']}.log"
            if log_file.exists():
                started = log_file.stat().st_mtime - r["seconds"]
                r["phases"] = runlog.phases(log_file.read_text(), started, r["seconds"])
    return data


def union_length(spans: Sequence[tuple[float | None, float | None]]) -> float:
    """Seconds covered by the union of [begin, end] intervals."""
    total, reach = 0.0, None
    for begin, end in sorted((b, e) for b, e in spans if b is not None and e is not None):
        if reach is None or begin > reach:
            total += end - begin
            reach = end
        elif end > reach:
            total += end - reach
            reach = end
    return total


def summarise(r: dict) -> dict:
    """The night's figures for the table: means over the areas' runs (raw/ itself apart)."""
    areas = [x for x in r.get("runs", []) if x["area"]]
    root = [x for x in r.get("runs", []) if not x["area"]]

    def mean(key: str, runs: list[dict]) -> float | None:
        values = [x[key] for x in runs if x.get(key) is not None]
        return sum(values) / len(values) if values else None

    return {
        "latency": mean("latency", areas or root),
        "run_s": mean("run_s", areas or root),
        "commit_s": mean("commit_s", areas or root),
        "root_s": mean("run_s", root),
        "lake_files": sum(x.get("files", 0) for x in r.get("runs", [])),
        "lake_rows": sum(x.get("rows", 0) for x in r.get("runs", [])),
        "not_completed": [
            x["area"] or "raw/" for x in r.get("runs", []) if x["state"] != "Completed"
        ],
    }


# ------------------------------------------------------------------------ the grid


def measure(
    work: Path,
    areas: Sequence[int],
    worker_counts: Sequence[int],
    scale: float,
    quiet: bool,
    save: Path | None = None,
) -> dict:
    """Every (areas, workers) point: a first night and (with ``quiet``) a quiet night;
    with ``save``, the results so far written there after each point."""
    from bench.report import machine

    info = machine()
    info["load_start"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    points: list[dict] = []
    data = {"scale": scale, "seed": SEED, "quiet": quiet, "info": info, "points": points}
    datasets = {a: province(work, a, scale) for a in areas}
    with services(work / "services") as svc:
        for count in worker_counts:
            with workers(svc, count):
                for a in areas:
                    log(f"{a} area(s), {count} worker(s)")
                    points.append(_point(svc, datasets[a], a, count, quiet))
                    log(f"  {json.dumps(_brief(points[-1]))}")
                    info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
                    if save:
                        save.write_text(json.dumps(data, indent=1, default=str))
    return data


def _point(svc: Services, raw: Path, areas: int, count: int, quiet: bool) -> dict:
    tag = f"a{areas}-w{count}-{int(time.time())}"
    folder = svc.base / tag
    folder.mkdir()
    database = f"lake_{tag.replace('-', '_')}"
    lake_env = {
        "VLPIPE_LAKE_CATALOG": svc.cluster.create_database(database),
        "VLPIPE_LAKE_DATA": str(folder / "lake-data") + "/",
        "VLPIPE_PII_KEY": PII_KEY,
    }
    lake: dict[str, Any] = {"plan": plan_of(areas), "env": lake_env}
    deployment_id = deploy_for(svc, count, lake_env)
    warehouse = folder / "warehouse"
    point: dict = {"areas": areas, "workers": count}
    point["first"] = night(svc, deployment_id, count, raw, warehouse, lake, f"{tag}-first")
    if quiet and not point["first"].get("error"):
        point["quiet"] = night(svc, deployment_id, count, raw, warehouse, lake, f"{tag}-quiet")
    return point


def _brief(point: dict) -> dict:
    out = {}
    for key in ("first", "quiet"):
        if r := point.get(key):
            out[key] = {
                k: round(v, 2) if isinstance(v, float) else v
                for k, v in (r | summarise(r)).items()
                if k not in ("runs", "error", "night")
            }
            if r.get("error"):
                out[key]["error"] = r["error"][-300:]
    return out


# ------------------------------------------------------------------------ projection


def fit_line(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Least-squares (intercept, slope); a flat line through the mean with one x."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    var = sum((x - mx) ** 2 for x in xs)
    if var == 0:
        return my, 0.0
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / var
    return my - slope * mx, slope


@dataclass(frozen=True)
class Model:
    """The night's time from the measured costs (seconds)."""

    writer0: float  # writer's fixed part
    writer_per_area: float  # writer's part per area (first nights: from its rows)
    writer_per_row: float  # first nights: the fitted slope against the rows loaded
    rows_per_area: float
    root_s: float  # the raw/ run before the areas (latency + run)
    latency_s: float  # an area run's start latency (a slot free)
    run_s: float  # an area run, 2 runs sharing 2 cores
    basis: str  # which point the area figures come from
    growth: str = "scale-out"  # the writer's slope: scale-out | single (warehouse) | flat

    @property
    def slot_s(self) -> float:
        return self.latency_s + self.run_s

    def writer(self, areas: int) -> float:
        return self.writer0 + self.writer_per_area * areas

    def waves(self, areas: int, machines: int) -> float:
        rounds = math.ceil(areas / (machines * SLOTS_PER_MACHINE))
        return self.root_s + rounds * self.slot_s

    def night(self, areas: int, machines: int) -> float:
        return self.writer(areas) + self.waves(areas, machines)

    def machines_for(self, areas: int, hours: float = NIGHT_HOURS) -> int | None:
        """The fewest 2-core worker machines whose night ends within ``hours``; None when
        the writer and one round of area runs alone do not fit."""
        budget = hours * 3600
        if self.night(areas, areas) > budget:
            return None
        machines = 1
        while self.night(areas, machines) > budget:
            machines += 1
        return machines


# the single-warehouse nights' phases that the scale-out writer runs too
WRITER_PHASES = ("feedback", "transform (dbt build)", "audit (great-expectations)", "publish")


def single_nights(results: list[dict]) -> list[tuple[float, float]]:
    """(rows, seconds of the writer's phases) of the first nights (d) measured per scale
    (one warehouse, no lake) by the rest of the benchmark."""
    out = []
    for r in results:
        d = r.get("full") or {}
        if d.get("rows") and d.get("phases") and not d.get("error"):
            rows = d["rows"] + d.get("rows_rejected", 0)
            out.append((float(rows), sum(d["phases"].get(k) or 0.0 for k in WRITER_PHASES)))
    return out


def single_nights_from_report(text: str) -> list[tuple[float, float]]:
    """The same, read back from a BENCHMARKS.md the tool wrote (its per-scale tables)."""
    out = []
    for block in re.split(r"^### Scale ", text, flags=re.M)[1:]:
        rows = re.search(r"^\| \(d\) `vlpipe run`, first night[^|]*\| ([\d,]+) \|", block, re.M)
        header = re.search(r"^\| run \| (.*) \|$", block, re.M)
        line = re.search(r"^\| \(d\) \| (.*) \|$", block, re.M)
        if not (rows and header and line):
            continue
        cells = dict(zip(header.group(1).split(" | "), line.group(1).split(" | "), strict=False))
        seconds = sum(float(cells[k].replace(",", "") or 0) for k in WRITER_PHASES if k in cells)
        out.append((float(rows.group(1).replace(",", "")), seconds))
    return out


def model(
    points: list[dict], kind: str = "first", single: list[tuple[float, float]] | None = None
) -> Model | None:
    """Fit from the measured nights of ``kind``: the writer's part against the rows loaded
    (first nights) or the areas (quiet nights) by least squares over every point; an area's
    start latency and run from the point with the most workers, then the most areas. First
    nights: where the single-warehouse nights (``single``: rows, writer phases) grow faster
    with the rows, their slope."""
    ok = [p for p in points if p.get(kind) and not p[kind].get("error") and p[kind].get("runs")]
    if not ok:
        return None
    rows = [float(p["first"].get("rows") or 0) for p in ok]
    rows_per_area = sum(r / p["areas"] for r, p in zip(rows, ok, strict=True)) / len(ok)
    writers = [p[kind]["writer"] for p in ok]
    growth = "scale-out"
    if kind == "first":
        writer0, per_row = fit_line(rows, writers)
        if per_row < 0:  # no growth seen over the measured rows: flat at the mean
            writer0, per_row, growth = sum(writers) / len(writers), 0.0, "flat"
        if single and len(single) >= 2:
            single_per_row = fit_line([r for r, _ in single], [t for _, t in single])[1]
            if single_per_row > per_row:
                per_row, growth = single_per_row, "single"
        per_area = per_row * rows_per_area
    else:
        writer0, per_area = fit_line([float(p["areas"]) for p in ok], writers)
        if per_area < 0:
            writer0, per_area, growth = sum(writers) / len(writers), 0.0, "flat"
        per_row = 0.0
    most = max(p["workers"] for p in ok)
    best = max((p for p in ok if p["workers"] == most), key=lambda p: p["areas"])
    s = summarise(best[kind])
    root = [x for x in best[kind]["runs"] if not x["area"]]
    return Model(
        writer0=writer0,
        writer_per_area=per_area,
        writer_per_row=per_row,
        rows_per_area=rows_per_area,
        root_s=sum((x["latency"] or 0) + (x["run_s"] or 0) for x in root),
        latency_s=s["latency"] or 0.0,
        run_s=s["run_s"] or 0.0,
        basis=f"{best['areas']} area(s) × {best['workers']} worker(s)",
        growth=growth,
    )


# ------------------------------------------------------------------------ report


def _s(x: float | None) -> str:
    return "" if x is None else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"


def _hm(seconds: float) -> str:
    minutes = round(seconds / 60)
    return (
        f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{seconds / 60:.1f} min"
    )


def render(data: dict, single: list[tuple[float, float]] | None = None) -> str:
    """The section "Scale-out (issue 15)" of BENCHMARKS.md (Markdown, heading included)."""
    if data.get("error"):
        return "\n".join([f"## {HEADING}", "", f"Not measured: {data['error'][:500]}"])
    data = copy.deepcopy(data)
    for point in data["points"]:  # the latencies from the recorded times, as defined now
        for kind in ("first", "quiet"):
            if point.get(kind):
                start_latency(point[kind].get("runs", []), point["workers"])
    info = data["info"]
    lines = [
        f"## {HEADING}",
        "",
        f"`vlpipe run` in the scale-out mode (`flows/scale/`): every area ingested by "
        f"a child flow run `area-ingest` on Prefect process workers into a DuckLake (catalog "
        f"on PostgreSQL, Parquet files on disk), then the nightly flow as the single writer. "
        f"Generated provinces (`python -m synth --areas N --seed {data['seed']} --scale "
        f"{data['scale']:g}`, files as the office sends them), a fresh lake and warehouse per "
        f"line; one PostgreSQL cluster and one Prefect server (on that cluster) for all; "
        f"*workers* process workers of one slot each, all on this machine.",
        "",
        f"Measured {info['date']}, commit `{info['commit']}`, `{data.get('command', '')}`; "
        f"load average at start {info.get('load_start', '?')}, at end "
        f"{info.get('load_end', '?')} (*load*: the 1-minute load average when the night "
        "began; 2 cores: above 2, the night shared the CPU with other work).",
        "",
        "| areas | workers | night | wall s | rows | rows/s | files | mean child start "
        "latency s | mean area run s | mean lake commit s | writer s | of which dbt s | load |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in data["points"]:
        for kind, label in (("first", "first"), ("quiet", "no new file")):
            r = p.get(kind)
            if not r:
                continue
            if r.get("error"):
                err = r["error"].strip().splitlines()[-1][:150].replace("|", "\\|")
                lines.append(
                    f"| {p['areas']} | {p['workers']} | {label} | {_s(r['seconds'])} "
                    f"| | | | | | | | | {r['load']:.1f} | failed: {err}"
                )
                continue
            s = summarise(r)
            rows = r.get("rows") or 0
            rate = f"{rows / r['seconds']:,.0f}" if rows and kind == "first" else ""
            late = f" ({', '.join(s['not_completed'])} not completed)" if s["not_completed"] else ""
            lines.append(
                f"| {p['areas']} | {p['workers']} | {label}{late} | {_s(r['seconds'])} | "
                f"{rows:,} | {rate} | {_files(r, s)} | {_s(s['latency'])} | "
                f"{_s(s['run_s'])} | {_s(s['commit_s'])} | {_s(r['writer'])} | "
                f"{_s((r.get('phases') or {}).get('transform (dbt build)'))} | {r['load']:.1f} |"
            )
    lines += ["", *_projection(data, single), "", *_notes(data)]
    return "\n".join(lines)


def _files(r: dict, s: dict) -> str:
    files = r.get("files", s["lake_files"])
    return f"{files} ({r['files_skipped']} seen)" if r.get("files_skipped") else str(files)


def _growth(m: Model, single: list[tuple[float, float]] | None) -> str:
    if m.growth == "single" and single:
        seen = ", ".join(f"{s:,.0f} s at {r:,.0f} rows" for r, s in sorted(single))
        return (
            "the writer's growth with the rows is the slope of the single-warehouse first "
            f"nights (d) measured above (feedback + dbt + audit + publish: {seen}), steeper "
            "than the scale-out nights' own (too few rows to show it above the noise)"
        )
    if m.growth == "flat":
        return (
            "the scale-out nights' writer did not grow with the rows measured (the shared "
            "machine's noise is larger): taken flat at their mean"
        )
    return "least squares over every first night's writer part against its rows"


def _other_slope(first: Model, single: list[tuple[float, float]] | None) -> list[str]:
    """The first night again with the single-warehouse nights' slope, when it is not the
    one used: how much the 700-area answer hangs on the writer's growth."""
    if not single or len(single) < 2 or first.growth == "single":
        return []
    per_row = fit_line([r for r, _ in single], [t for _, t in single])[1]
    other = dataclasses.replace(
        first, writer_per_row=per_row, writer_per_area=per_row * first.rows_per_area
    )
    areas = max(PROJECTED_AREAS)
    need = other.machines_for(areas)
    return [
        "",
        f"The writer's slope above is fitted on the scale-out nights of this shared machine "
        f"(noisy: see *load*). The single-warehouse first nights (d) measured above grow by "
        f"{per_row * 1e6:,.1f} s per million rows (feedback + dbt + audit + publish, "
        + ", ".join(f"{t:,.0f} s at {r:,.0f} rows" for r, t in sorted(single))
        + f"); with that slope a first night of {areas} areas has a writer of "
        f"{_hm(other.writer(areas))}, takes {_hm(other.night(areas, 1))} on 1 machine and "
        + (
            f"needs {need} machine(s) ({_hm(other.night(areas, need))})."
            if need is not None
            else "does not fit in 5 h."
        ),
    ]


def _projection(data: dict, single: list[tuple[float, float]] | None = None) -> list[str]:
    first = model(data["points"], "first", single)
    quiet = model(data["points"], "quiet")
    if first is None:
        return ["No projection: no first night completed."]
    out = [
        "### Projection to 10 and 700 areas",
        "",
        "Computed by `bench/scale_out.py` from the measurements above (nothing typed in): "
        "night(areas, machines) = writer(areas) + raw/ run + ⌈areas / (machines × "
        f"{SLOTS_PER_MACHINE} slots)⌉ × (start latency + area run), where",
        "",
        f"- first night: writer(areas) = {first.writer0:,.1f} s + "
        f"{first.writer_per_row * 1e6:,.1f} s per million rows loaded × "
        f"{first.rows_per_area:,.0f} rows an area = {first.writer0:,.1f} s + "
        f"{first.writer_per_area:,.2f} s an area (the writer's part: start-up, the loads "
        f"copied from the lake, dbt, audit, publishing; {_growth(first, single)});",
        f"- first night: raw/ run (the province's own files, one child run before the areas: "
        f"start latency + run) = {first.root_s:,.1f} s; an area on a slot = start latency "
        f"{first.latency_s:,.1f} s + run {first.run_s:,.1f} s (means at {first.basis}: "
        "as many area runs at once as workers, on this machine's 2 cores);",
    ]
    if quiet:
        out.append(
            f"- no new file: writer(areas) = {quiet.writer0:,.1f} s + "
            f"{quiet.writer_per_area:,.2f} s an area "
            f"({'flat at the mean' if quiet.growth == 'flat' else 'least squares'} over "
            "the quiet nights); "
            f"raw/ run {quiet.root_s:,.1f} s; an area on a slot = {quiet.latency_s:,.1f} s + "
            f"{quiet.run_s:,.1f} s (at {quiet.basis});"
        )
    out += [
        f"- a worker machine has 2 cores like this one and runs {SLOTS_PER_MACHINE} area runs "
        "at once; the writer (the nightly flow: dbt, audit, publishing) runs on a machine of "
        "its own.",
        "",
        "| areas | night | writer | raw/ + area runs, 1 machine | whole night, 1 machine | "
        "whole night, 10 machines | fewest machines for 01:00–06:00 (5 h) | night with them |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, m in (("first (everything new)", first), ("no new file", quiet)):
        if m is None:
            continue
        for areas in PROJECTED_AREAS:
            need = m.machines_for(areas)
            out.append(
                f"| {areas} | {kind} | {_hm(m.writer(areas))} | {_hm(m.waves(areas, 1))} | "
                f"{_hm(m.night(areas, 1))} | {_hm(m.night(areas, 10))} | "
                + (
                    f"**{need}** | {_hm(m.night(areas, need))} |"
                    if need is not None
                    else "none: the writer and one round take longer than 5 h | |"
                )
            )
    out += _other_slope(first, single)
    measured_rows = max((p["first"].get("rows") or 0) for p in data["points"] if p.get("first"))
    measured_areas = max(p["areas"] for p in data["points"])
    out += [
        "",
        "Assumptions and what is extrapolated:",
        "",
        f"- every area holds data like the measured ones (scale {data['scale']:g}: about "
        f"{first.rows_per_area:,.0f} rows an area on a first night); an area with more data "
        "has a longer run and adds more to the writer's dbt;",
        f"- measured up to {measured_areas} areas and {measured_rows:,} rows: 10 areas is "
        f"just beyond that; 700 areas ({700 * first.rows_per_area:,.0f} rows on a first "
        "night) is a straight-line extrapolation far outside it: dbt's joins, the copy from "
        "the lake and the lake's catalog may grow faster than linearly;",
        "- the machines' area runs are as fast as two sharing this machine's 2 cores (the "
        "other sessions' load included, see *load*); the start latency stays as measured "
        "with many workers on one Prefect server and its PostgreSQL (measured with 2);",
        "- `VLPIPE_AREA_WAVE` (default 16) is set to at least machines × slots: the nightly "
        "flow waits for a wave's slowest run before the next, so with fewer slots per wave "
        "(or uneven areas) the night is longer than the formula.",
    ]
    return out


def _notes(data: dict) -> list[str]:
    return [
        "How the columns are measured: *wall s* is the `vlpipe run` process from start to "
        "exit (interpreter, Prefect client, the area runs, the writer); *rows* and *files* "
        "are its summary's rows and files loaded (a quiet night: files seen again in "
        "brackets); the child runs come from Prefect's records of the night's `area-ingest` "
        "runs (their idempotency key names the night), as means over the areas: *start "
        "latency* = start − the moment the run could start (its expected start, or the end "
        "of the run that freed a slot: waiting for a slot is not counted), *area run* = "
        "end − start, *lake commit* = the time of the run's log line \"Area …: load … "
        "committed\" − start; *writer s* = wall − the union of the child runs' [expected "
        "start, end] (the area waves). With 1 area the area is raw/ itself: its one run is "
        "the raw/ run. A worker has one slot; the deployment's concurrency limit is the "
        "number of workers.",
    ]


# ------------------------------------------------------------------------ CLI


def parse_ints(text: str) -> list[int]:
    return [int(x) for x in text.replace(" ", ",").split(",") if x]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.scale_out", description=__doc__)
    parser.add_argument("--areas", default="1,2,4,8")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--no-quiet", action="store_true")
    parser.add_argument("--work", type=Path, default=Path("/tmp/vlpipe-bench"))
    parser.add_argument("--render-only", action="store_true")
    args = parser.parse_args(argv)
    saved = args.work / "scaleout.json"
    if not args.render_only:
        args.work.mkdir(parents=True, exist_ok=True)
        data = measure(
            args.work,
            parse_ints(args.areas),
            parse_ints(args.workers),
            args.scale,
            not args.no_quiet,
            saved,
        )
        data["command"] = "python -m bench.scale_out " + " ".join(argv or sys.argv[1:])
        saved.write_text(json.dumps(data, indent=1, default=str))
    print(render(fill_phases(json.loads(saved.read_text()), args.work)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
