"""`make bench`: python -m bench.run [--scales 10,100,1000] [--work /tmp/vlpipe-bench]
[--formats csv,xlsx] [--xlsx-max-scale 100] [--no-profile] [--output BENCHMARKS.md]
[--only load,profile,nightly,xlsx,scaleout,smallfiles,province,makerun] [--merge]
[--scaleout-areas 1,2,4,8] [--scaleout-workers 1,2] [--scaleout-scale 0.1]
[--smallfiles 10000] [--province-areas 4] [--province-scale 10]

For each scale, on one generated dataset (all tables as CSV), one after the other:
(a) DuckDB read_csv of its CSV files, (b) dlt loading them, (c) vlpipe's ingestion alone,
then Prefect's start-up, (d) `vlpipe run` on a fresh warehouse, (e) `vlpipe run` again with
no new file, and once more with one new month; (f) on the same tables as workbooks, the bare
calamine read against ours. Then, once (not per scale): many small files (a province split
into --smallfiles CSV files: DuckDB one file at a time against vlpipe's ingestion), a
province (its first night, then one area's new month), `make run` on the committed sample,
and the scale-out mode (issue 15, bench/scale_out.py): areas × workers on a PostgreSQL
cluster and a Prefect server of its own, and the projection to 10 and 700 areas. Prints the
report, with issue 16's targets, and writes it to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from bench import report, runlog, scale_out, smallfiles
from bench.dataset import (
    ROOT,
    add_next_month,
    area_folders,
    describe,
    ensure_dataset,
    link_copy,
)
from bench.measure import run_measured
from bench.stages import RESULT_MARK

PII_KEY = "bench-key"
NOTES = [
    "Every measurement runs in a process of its own (`python -m bench.stages …` or "
    "`vlpipe run`), one at a time; *seconds* of (a), (b), (c) and (f) are the work inside "
    "that process (imports excluded), *seconds* of Prefect and of (d), (e) the whole "
    "process from start to exit. *Peak RSS* is the resident memory of the process and all "
    "its children, sampled every 0.2 s.",
    "The files are read once before the measurements (page cache warm for everyone).",
    "The dataset is the generator's (`python -m synth --scale N --formats csv`): "
    "the district N times, every table written as CSV (workbooks' first sheets as UTF-8 "
    "CSV), so (a), (b) and (c) read exactly the same files; the one file that is not a "
    "table (an HTML page named .xlsx) is rejected by (c) and left out of (a) and (b).",
    "*rows* of (a) and (b): data rows read (total rows included, nothing rejected); of "
    "(c): rows loaded + rows rejected.",
    "(a) groups the files of a source that share their title-line count, delimiter and "
    "encoding into one `read_csv(files, skip = title lines, header = true, all_varchar = "
    "true, union_by_name = true, null_padding = true)` and creates one table per group; "
    "Windows-1258 files are read as latin-1 (no Windows-1258 decoder in DuckDB without "
    "the `encodings` extension). The title-line count and delimiter are found by the "
    "benchmark (first record with more than one field), not by DuckDB.",
    "(b) is dlt 1.31 with the duckdb destination: one `@dlt.resource` per source yielding "
    "one pyarrow Table per file (`pyarrow.csv`, same skip, delimiter and encoding, every "
    "column text), `pipeline.run()` with dlt's defaults.",
    "(c) calls `flows.ingest.pipeline.ingest_source` for every source as the flow's ingest "
    "task does (references reloaded per source), PII key from `VLPIPE_PII_KEY`, without "
    "Prefect; it hashes, reads, finds headers, parses, validates (pandera), pseudonymises "
    "and loads, one transaction per file, with its ledger.",
    "The per-file limits are raised (`VLPIPE_MAX_FILE_MB=8192`, `VLPIPE_MAX_ROWS="
    "100000000`): at scale 1,000 a labour list is 490–555 MB and three of the five are "
    "over the default 512 MiB (they would be refused as too large).",
    "Generating scale 1,000 takes about 17 minutes and 17.6 GB of memory (the generator "
    "keeps every record of its ground truth in memory); datasets are cached in --work by "
    "scale, seed, formats and a hash of the generator's code.",
    "(e) 'one new month': the latest month's enterprise-report files copied with every "
    "date and period moved one month on (07/2023), so new content and new keys.",
    "(f) reads the same tables written as workbooks (`--formats xlsx`; a CSV's cells are "
    "text cells, the workbooks the office sends hold numbers and dates). Writing workbooks "
    "with openpyxl takes about 13 s per 100,000 rows (scale 1,000: about 45 minutes), so "
    "they are generated up to `--xlsx-max-scale` (default 100) only.",
    "*Peak PSS* (proportional set size, shared pages counted once among the processes "
    "sharing them) is the memory the targets judge: summed RSS counts the pages that the "
    "flow, dbt, the Prefect server and Chromium share once per process.",
    "Targets: each row of issue 16 at the scales it names (a scale not measured says so); "
    "'at every scale' rows at each scale measured. The per-scale one-new-month night is a "
    "province of one area (the generated district, `reference/areas.csv` of one row); the "
    "province group gives the same target for one area's month among several areas.",
    "*smallfiles*: a province of 4 areas (`python -m synth --areas 4 --formats csv`, its "
    "scale chosen so that the pieces hold about 200 rows; 2 areas below 2,000 files, each "
    "area having about 125 data files, and never fewer files than those) is split by the "
    "benchmark (`bench/smallfiles.py`) into `--smallfiles` CSV files (default 10,000): every "
    "data file of every area (a month's enterprise reports, a half-year's labour list, a "
    "quarter's task reports, …) cut into pieces of consecutive rows in proportion to its "
    "rows, each piece keeping the file's title lines, header, name, encoding and delimiter, "
    "in `part-NNN/` next to where the original was (so each area's source finds it); grand-"
    "total rows left out, reference lists copied whole. (i) DuckDB reads each file by its own"
    " `read_csv` (same options as (a), no `union_by_name`) into a table of its own, one "
    "`create table` per file (each committed), one after the other in one process and "
    "connection, layouts found before the clock starts; (ii) is (c) on the same folder (each "
    "source once per area, as the flow's ingest task does). *files/s* = files read ÷ seconds "
    "(vlpipe's files: every outcome, loaded, rejected or skipped).",
    "*province*: a province of `--province-areas` areas (default 4) each at "
    "`--province-scale` (default 10), as CSV; `vlpipe run` on a fresh warehouse (first "
    "night), then the first area's latest month of enterprise reports moved a month on "
    "(as (e)) and `vlpipe run` again. The ratio is the target's (whole processes); "
    "'excluding Prefect start-up' subtracts the trivial flow's time from both nights, for "
    "the reader (what the pipeline itself spends).",
    "*makerun*: what `make run` runs once the environment is set up (`make setup` done: "
    "the Makefile's `setup` prerequisites are then no-ops): `vlpipe run --raw-dir raw` on "
    "the committed sample into a fresh warehouse under `--work` (not the repository's "
    "`warehouse/`), `VLPIPE_PII_KEY` the Makefile's demo key, PREFECT_HOME under `--work` "
    "initialised by the Prefect start-up measurement just before.",
    "`--only load,profile,nightly,xlsx,scaleout,smallfiles,province,makerun` re-measures "
    "some groups and `--merge` keeps the rest of `<work>/results.json`: each scale and each "
    "group measured once says when and on which commit it was measured (*Measured:*), the "
    "scale-out section likewise. Without earlier results, `--merge` replaces only the "
    "measured sections of the existing report.",
]


def stage_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VLPIPE_PII_KEY=PII_KEY,
        PREFECT_HOME=str(work / "prefect-home"),
        VLPIPE_MAX_FILE_MB="8192",
        VLPIPE_MAX_ROWS="100000000",
        RUNTIME__DLTHUB_TELEMETRY="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def stage(
    name: str, work: Path, raw: Path | None, out: Path | None, profile: Path | None = None
) -> dict:
    """Run one stage in its own process; its result with wall time and peak RSS."""
    cmd = [sys.executable, "-m", "bench.stages", name]
    if raw:
        cmd += ["--raw", str(raw)]
    if out:
        cmd += ["--out", str(out)]
    if profile:
        cmd += ["--profile", str(profile)]
    load = os.getloadavg()[0]
    m = run_measured(cmd, cwd=ROOT, env=stage_env(work))
    mark = [line for line in m.output.splitlines() if line.startswith(RESULT_MARK)]
    if m.returncode != 0 or not mark:
        return {"error": f"exit {m.returncode}: {m.output[-1500:]}", "wall": m.seconds}
    result = json.loads(mark[-1][len(RESULT_MARK) :])
    result.update(wall=m.seconds, peak_rss=m.peak_rss, load=load)
    if name == "prefect":
        result["seconds"] = m.seconds  # the whole process: interpreter, imports, API, flow
    return result


def vlpipe_run(
    work: Path, raw: Path, warehouse: Path, extra_env: dict[str, str] | None = None
) -> dict:
    """`vlpipe run` as the nightly job runs it: whole process timed, tree RSS sampled."""
    cmd = [
        str(Path(sys.executable).parent / "vlpipe"),
        "run",
        "--raw-dir",
        str(raw),
        "--warehouse-dir",
        str(warehouse),
    ]
    code, load = _code_fingerprint(), os.getloadavg()[0]
    env = {**stage_env(work), **(extra_env or {})}
    m = run_measured(cmd, cwd=ROOT, env=env, timeout=4 * 3600)
    phases = runlog.phases(m.output, m.started_at, m.seconds)
    result = {
        "seconds": m.seconds,
        "peak_rss": m.peak_rss,
        "peak_pss": m.peak_pss,
        "peak_parts": m.peak_parts,
        "exit": m.returncode,
        "phases": phases,
        "built": "transform (dbt build)" in phases,
        "code": code,
        "load": load,
    }
    if result["built"]:
        from flows.config import Paths
        from flows.transform import build_results_file

        result["dbt"] = runlog.dbt_profile(build_results_file(Paths.of(raw, warehouse)))
    loaded = re.search(r"Rows: ([\d,]+) loaded, ([\d,]+) rejected", m.output)
    if loaded:
        result["rows"] = int(loaded.group(1).replace(",", ""))
        result["rows_rejected"] = int(loaded.group(2).replace(",", ""))
    failed = re.search(r"Finished in state Failed\('([^\\']*)", m.output)
    if m.returncode == 1 and failed and phases:  # ran to the end; its build was refused
        result["failure"] = failed.group(1)
    elif m.returncode != 0:
        result["error"] = f"exit {m.returncode}: {m.output[-1500:]}"
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    (warehouse.parent / f"vlpipe-run-{int(time.time())}.log").write_text(m.output)
    return result


def _code_fingerprint() -> str | None:
    """The hash of the code a build depends on (a changed one forces a rebuild)."""
    try:
        from flows.config import code_fingerprint
    except ImportError:
        return None
    return code_fingerprint()


def warm(root: Path) -> None:
    """Read every file once, so that no measurement pays for the disk."""
    for path in root.rglob("*"):
        if path.is_file():
            with path.open("rb") as fh:
                while fh.read(1 << 24):
                    pass


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


GROUPS = ("load", "profile", "nightly", "xlsx", "scaleout", "smallfiles", "province", "makerun")
PER_SCALE = ("load", "profile", "nightly", "xlsx")
ONCE = ("smallfiles", "province", "makerun")  # measured once, not per scale
DEMO_PII_KEY = "demo-key-for-synthetic-sample-only"  # the Makefile's, for `make run`


def _stamp() -> str:
    info = report.machine()
    return f"{info['date']}, {info['commit']}"


def prefect_startup(work: Path) -> dict:
    """Prefect's start-up, the faster of two runs (the first also warms PREFECT_HOME)."""
    runs = [stage("prefect", work, None, None) for _ in range(2)]
    return min(runs, key=lambda x: x.get("seconds", float("inf")))


def measure_smallfiles(work: Path, files: int) -> dict:
    """Many small files: a generated province split into about ``files`` CSV files, read
    (i) by DuckDB one file at a time and (ii) by vlpipe's ingestion (as (c), no Prefect)."""
    scale, areas = smallfiles.province_scale(files), smallfiles.province_areas(files)
    log(f"smallfiles: province of {areas} areas at scale {scale:g} (csv)")
    ds = ensure_dataset(work, scale, "csv", areas=areas)
    root, out = work / f"smallfiles-{files}", work / "out-smallfiles"
    log(f"smallfiles: splitting into ~{files} files")
    split = smallfiles.split_dataset(ds.root, root, files)
    log(f"  {split}")
    warm(root)
    r: dict = {
        "requested": files,
        "areas": areas,
        "scale": scale,
        "generated_seconds": ds.generated_seconds,
        "split": split,
    }
    for key, name in (("duckdb", "duckdb_files"), ("ingest", "ingest")):
        log(f"smallfiles: {name}")
        r[key] = stage(name, work, root, out / key)
        log(f"  {json.dumps(r[key], default=str)[:300]}")
    r["measured"] = _stamp()
    return r


def measure_province(work: Path, areas: int, scale: float) -> dict:
    """A province of ``areas`` areas: its first night, then a night with one new month of
    one area (its latest month's enterprise reports moved a month on)."""
    log(f"province: {areas} areas at scale {scale:g} (csv)")
    ds = ensure_dataset(work, scale, "csv", areas=areas)
    out = work / "out-province"
    raw, warehouse = out / "run" / "raw", out / "run" / "warehouse"
    shutil.rmtree(out / "run", ignore_errors=True)
    link_copy(ds.root, raw)
    warm(raw)
    r: dict = {"areas": areas, "scale": scale, "dataset": describe(ds)}
    log("province: Prefect start-up")
    r["prefect"] = prefect_startup(work)
    log("province: vlpipe run (first night)")
    r["full"] = vlpipe_run(work, raw, warehouse)
    log(f"  {json.dumps(r['full'], default=str)[:300]}")
    folder = area_folders(raw)[0]
    new = add_next_month(raw / folder)
    log(f"province: vlpipe run (one new month of {folder}: {len(new)} files)")
    r["new_month"] = {"area": folder, "new_files": len(new)}
    r["new_month"].update(vlpipe_run(work, raw, warehouse))
    log(f"  {json.dumps(r['new_month'], default=str)[:300]}")
    r["measured"] = _stamp()
    return r


def measure_makerun(work: Path) -> dict:
    """`make run` with the environment set up: `vlpipe run` on the committed sample (raw/)
    into a fresh warehouse, the Makefile's demo PII key, PREFECT_HOME already initialised."""
    out = work / "out-makerun"
    shutil.rmtree(out, ignore_errors=True)
    log("makerun: Prefect start-up (initialises PREFECT_HOME)")
    r: dict = {"prefect": prefect_startup(work)}
    log("makerun: vlpipe run --raw-dir raw (fresh warehouse)")
    r["run"] = vlpipe_run(work, ROOT / "raw", out / "warehouse", {"VLPIPE_PII_KEY": DEMO_PII_KEY})
    log(f"  {json.dumps(r['run'], default=str)[:300]}")
    r["measured"] = _stamp()
    return r


def measure_scale(
    work: Path,
    scale: float,
    groups: set[str],
    formats: set[str],
    xlsx_max: float,
    previous: dict | None = None,
) -> dict:
    """The measurements of ``groups`` at one scale (a failed one is recorded, the rest go
    on); with ``previous``, the other groups' earlier results are kept."""
    out = work / f"out-{scale:g}"
    out.mkdir(parents=True, exist_ok=True)
    log(f"scale {scale:g}: dataset (csv)")
    ds = ensure_dataset(work, scale, "csv")
    r: dict = dict(previous or {})
    dataset = describe(ds)
    if ds.generated_seconds is None and r.get("dataset", {}).get("root") == dataset["root"]:
        dataset.update({k: r["dataset"].get(k) for k in ("generated_seconds", "generated_rss")})
    r.update(scale=scale, dataset=dataset)
    info = report.machine()
    r.setdefault("measured", {})
    warm(ds.root)
    if "load" in groups:
        for name in ("duckdb", "dlt", "ingest"):
            log(f"scale {scale:g}: {name}")
            r[name] = stage(name, work, ds.root, out / name)
            log(f"  {json.dumps(r[name], default=str)[:300]}")
        r["measured"]["(a) (b) (c)"] = f"{info['date']}, {info['commit']}"
    if "profile" in groups:
        log(f"scale {scale:g}: ingest, profiled")
        r["profile"] = str(out / "ingest.prof")
        r["ingest_profiled"] = stage(
            "ingest", work, ds.root, out / "ingest-profiled", out / "ingest.prof"
        )
        r["measured"]["profile"] = f"{info['date']}, {info['commit']}"
    if "nightly" in groups:
        log(f"scale {scale:g}: Prefect start-up")
        r["prefect"] = prefect_startup(work)
        raw, warehouse = out / "run" / "raw", out / "run" / "warehouse"
        shutil.rmtree(out / "run", ignore_errors=True)
        link_copy(ds.root, raw)
        for key in ("full", "rerun", "new_month"):
            r[key] = {"new_files": len(add_next_month(raw))} if key == "new_month" else {}
            log(f"scale {scale:g}: vlpipe run ({key})")
            r[key].update(vlpipe_run(work, raw, warehouse))
            log(f"  {json.dumps(r[key], default=str)[:300]}")
        r["measured"]["Prefect, (d), (e)"] = f"{info['date']}, {info['commit']}"
    if "xlsx" in groups and "xlsx" in formats and scale <= xlsx_max:
        log(f"scale {scale:g}: dataset (xlsx)")
        dx = ensure_dataset(work, scale, "xlsx")
        r["xlsx_dataset"] = describe(dx)
        warm(dx.root)
        log(f"scale {scale:g}: xlsx reading")
        r["xlsx"] = stage("xlsx", work, dx.root, None)
        r["ingest_xlsx"] = stage("ingest", work, dx.root, out / "ingest-xlsx")
        r["measured"]["(f)"] = f"{info['date']}, {info['commit']}"
    (out / "results.json").write_text(json.dumps(r, indent=1, default=str))
    return r


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scales", default="10,100,1000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/vlpipe-bench"))
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--xlsx-max-scale", type=float, default=100)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"measurement groups among {', '.join(GROUPS)} (default all; "
        "the profile is taken at the largest scale only)",
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other scales and groups of <work>/results.json",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--scaleout-areas", default="1,2,4,8", help="scaleout: areas")
    parser.add_argument("--scaleout-workers", default="1,2", help="scaleout: worker counts")
    parser.add_argument(
        "--scaleout-scale", type=float, default=0.1, help="scaleout: the areas' scale"
    )
    parser.add_argument(
        "--scaleout-no-quiet",
        action="store_true",
        help="scaleout: no second (no-new-file) night per point",
    )
    parser.add_argument(
        "--smallfiles", type=int, default=10_000, help="smallfiles: the number of files"
    )
    parser.add_argument(
        "--province-areas", type=int, default=4, help="province: the areas of the province"
    )
    parser.add_argument(
        "--province-scale", type=float, default=10, help="province: each area's scale"
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the report from <work>/results.json, measure nothing",
    )
    args = parser.parse_args(argv)
    work = args.work.resolve()
    saved_file = work / "results.json"
    if args.render_only:
        saved = json.loads(saved_file.read_text()) if saved_file.exists() else {}
        scaleout = saved.get("scaleout")
        if scaleout is None and (work / "scaleout.json").exists():
            scaleout = json.loads((work / "scaleout.json").read_text())
        single = scale_out.single_nights(saved.get("results") or [])
        if not single and args.output.exists():
            single = scale_out.single_nights_from_report(args.output.read_text(encoding="utf-8"))
        filled = scale_out.fill_phases(scaleout, work) if scaleout else None
        section = scale_out.render(filled, single) if filled else None
        if saved.get("results") or saved.get("once"):
            text = report.render(
                saved.get("results") or [],
                saved["info"],
                saved["command"],
                Path(saved["profile"]) if saved.get("profile") else None,
                NOTES,
                section,
                saved.get("once") or {},
            )
        elif section and args.output.exists():  # only the scale-out section was measured
            text = report.with_section(
                args.output.read_text(encoding="utf-8"), scale_out.HEADING, section
            )
        else:
            parser.error(f"--render-only: no saved results in {work}")
        args.output.write_text(text, encoding="utf-8")
        print(text)
        return 0
    scales = [float(s) for s in args.scales.replace(" ", ",").split(",") if s]
    groups = {g for g in args.only.split(",") if g}
    if not groups <= set(GROUPS):
        parser.error(f"--only: unknown group(s) {sorted(groups - set(GROUPS))}")
    if work.is_relative_to(ROOT):
        parser.error("--work must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    info = report.machine()
    info["load_start"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    command = (
        "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    ).strip()
    invocation = command
    saved = json.loads(saved_file.read_text()) if args.merge and saved_file.exists() else {}
    by_scale = {r["scale"]: r for r in saved.get("results", [])}
    profile = saved.get("profile")
    scaleout = saved.get("scaleout")
    once: dict = dict(saved.get("once") or {})
    if saved:
        command = f"{saved['command']}; then {command}"
        info = saved["info"] if not groups & set(PER_SCALE) else info
    for scale in scales if groups & set(PER_SCALE) else []:
        wanted = set(groups) - {"scaleout", *ONCE}
        if scale != max(scales) or args.no_profile:
            wanted.discard("profile")
        by_scale[scale] = measure_scale(
            work,
            scale,
            wanted,
            set(args.formats.split(",")),
            args.xlsx_max_scale,
            by_scale.get(scale),
        )
        if "profile" in wanted:
            profile = by_scale[scale]["profile"]
        info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        _save(saved_file, info, command, by_scale, profile, scaleout, once)
    for group in (g for g in ONCE if g in groups):
        try:
            if group == "smallfiles":
                once[group] = measure_smallfiles(work, args.smallfiles)
            elif group == "province":
                once[group] = measure_province(work, args.province_areas, args.province_scale)
            else:
                once[group] = measure_makerun(work)
        except Exception as exc:  # the other groups are still measured and written
            log(f"{group} failed: {exc}")
            once[group] = {"error": f"{type(exc).__name__}: {exc}", "measured": _stamp()}
        info["load_end"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
        _save(saved_file, info, command, by_scale, profile, scaleout, once)
    if "scaleout" in groups:
        log("scale-out: areas × workers")
        try:
            scaleout = scale_out.measure(
                work,
                scale_out.parse_ints(args.scaleout_areas),
                scale_out.parse_ints(args.scaleout_workers),
                args.scaleout_scale,
                not args.scaleout_no_quiet,
                work / "scaleout.json",
            )
        except Exception as exc:  # e.g. no PostgreSQL here: the other parts are still written
            log(f"scale-out failed: {exc}")
            scaleout = {"error": f"{type(exc).__name__}: {exc}", "info": report.machine()}
        scaleout["command"] = invocation
        _save(saved_file, info, command, by_scale, profile, scaleout, once)
    results = [by_scale[k] for k in sorted(by_scale)]
    old = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    single = scale_out.single_nights(results) or scale_out.single_nights_from_report(old)
    section = scale_out.render(scaleout, single) if scaleout else None
    if args.merge and not by_scale and not once and old:
        # nothing else measured in <work>: only the scale-out section of the report changes
        text = report.with_section(old, scale_out.HEADING, section) if section else old
    else:
        profile_path = Path(profile) if profile else None
        text = report.render(results, info, command, profile_path, NOTES, section, once)
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


def _save(
    path: Path,
    info: dict,
    command: str,
    by_scale: dict,
    profile: str | None,
    scaleout: dict | None,
    once: dict | None = None,
) -> None:
    """<work>/results.json, kept after each scale, each group measured once and the
    scale-out grid."""
    data = {
        "info": info,
        "command": command,
        "results": [by_scale[k] for k in sorted(by_scale)],
        "profile": profile,
        "scaleout": scaleout,
        "once": once or {},
    }
    path.write_text(json.dumps(data, indent=1, default=str))


if __name__ == "__main__":
    raise SystemExit(main())
