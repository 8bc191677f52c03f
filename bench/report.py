"""The benchmark's report: machine, commit, one table per scale, targets, profile."""

from __future__ import annotations

import datetime as dt
import os
import platform
import pstats
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "duckdb",
    "polars",
    "pyarrow",
    "pandera",
    "prefect",
    "dbt-core",
    "dbt-duckdb",
    "great-expectations",
    "python-calamine",
    "fastexcel",
    "dlt",
)
# where ingestion's time goes: (label, module suffix, function), cumulative time of each
PHASES = (
    ("references (lookups loaded per source)", "ingest/references.py", "load_references"),
    ("hash (SHA-256 of each file)", "ingest/pipeline.py", "sha256_of"),
    ("read (xlsx/CSV → text grid)", "ingest/readers.py", "read_grids"),
    ("read in batches (CSV files > VLPIPE_BATCH_MB)", "ingest/readers.py", "batches"),
    ("header (find and map)", "ingest/header.py", "locate_header"),
    ("parse (cells: numbers, dates, codes; totals)", "ingest/parse.py", "parse_grid"),
    ("lookups (communes, zones, VSIC)", "ingest/validate.py", "resolve_lookups"),
    ("validate (pandera contract, keys)", "ingest/validate.py", "validate"),
    ("render rejection messages", "ingest/load.py", "render"),
    ("load (DuckDB inserts; HMAC of personal IDs)", "ingest/load.py", "insert_rows"),
)

PHASE_NAMES = (
    "start-up",
    "ingest",
    "feedback",
    "transform (dbt build)",
    "audit (great-expectations)",
    "publish",
    "shut-down",
)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


def machine() -> dict[str, str]:
    """CPU, cores, memory, OS, Python and package versions, commit, date, load."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    osname = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME")
        ),
        platform.system(),
    )
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " + uncommitted changes"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{mem / 1048576:.1f} GiB",
        "os": f"{osname}, Linux {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(versions),
        "commit": commit,
        "date": dt.datetime.now().astimezone().isoformat("T", "minutes"),
    }


def _mb(n: int | None) -> str:
    return "" if not n else f"{n / 1048576:,.0f} MiB"


def _s(x: float | None) -> str:
    return "" if x is None else f"{x:,.1f}" if x >= 10 else f"{x:,.2f}"


def _rate(rows: int | None, seconds: float | None) -> str:
    return "" if not rows or not seconds else f"{rows / seconds:,.0f}"


def scale_table(r: dict) -> str:
    """One scale's measurements as a Markdown table."""
    ds = r["dataset"]
    lines = [
        f"### Scale {r['scale']:g}",
        "",
        f"CSV dataset: {ds['files']} files ({ds['mb']:,.0f} MB, "
        f"{', '.join(f'{n} {k}' for k, n in sorted(ds['by_suffix'].items()))}); "
        + (
            f"generated in {_s(ds['generated_seconds'])} s, peak {_mb(ds['generated_rss'])}"
            if ds.get("generated_seconds")
            else "taken from the cache"
        )
        + ".",
        *(
            ["", "Measured: " + "; ".join(f"{k} {v}" for k, v in r["measured"].items()) + "."]
            if r.get("measured")
            else []
        ),
        *(
            [
                "",
                "Rows per source (as read by (a)): "
                + ", ".join(
                    f"{k} {v:,}"
                    for k, v in sorted(r["duckdb"]["by_source"].items(), key=lambda kv: -kv[1])
                ),
            ]
            if (r.get("duckdb") or {}).get("by_source")
            else []
        ),
        "",
        "| measurement | rows | seconds | rows/s | peak RSS | load | ratio |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]

    def row(
        label: str, m: dict | None, rows: int | None = None, ratio: str = "", rate: bool = True
    ) -> None:
        if not m:
            return
        if m.get("error"):
            lines.append(f"| {label} | | | | | | failed: {_oneline(m['error'])} |")
            return
        if rows is None and m.get("rows") is not None:
            rows = m["rows"] + m.get("rows_rejected", 0)
        secs = m.get("seconds")
        load = "" if m.get("load") is None else f"{m['load']:.1f}"
        if m.get("failure"):
            ratio = "; ".join(x for x in (ratio, f"exit 1: {m['failure']}") if x)
        lines.append(
            f"| {label} | {'' if rows is None else f'{rows:,}'} | {_s(secs)} | "
            f"{_rate(rows, secs) if rate else ''} | {_mb(m.get('peak_rss'))} | "
            f"{load} | {ratio} |"
        )

    a, b, c = r.get("duckdb"), r.get("dlt"), r.get("ingest")
    row("(a) DuckDB `read_csv`, no checks (the limit)", a)
    row("(b) dlt → DuckDB (peer)", b, ratio=_ratio(b, a, "(b)/(a)"))
    if c and not c.get("error"):
        row(
            "(c) vlpipe ingest, no Prefect",
            c,
            c["rows"] + c.get("rows_rejected", 0),
            ratio="; ".join(x for x in (_ratio(c, a, "**(c)/(a)**"), _ratio(c, b, "(c)/(b)")) if x),
        )
    p = r.get("prefect")
    row("Prefect start-up (a trivial flow, same environment)", p)
    d, e0, e1 = r.get("full"), r.get("rerun"), r.get("new_month")
    row("(d) `vlpipe run`, first night (everything new)", d)
    if e0 and p and not e0.get("error"):
        rebuilt = (
            ""
            if not e0.get("built")
            else (
                " — rebuilt: the code changed since (d)"
                if e0.get("code") != (d or {}).get("code")
                else " — rebuilt: (d) published nothing"
                if (d or {}).get("failure")
                else " — rebuilt"
            )
        )
        row(
            "(e) `vlpipe run`, no new file",
            e0,
            ratio=f"Prefect start-up + {e0['seconds'] - p['seconds']:.1f} s{rebuilt}",
            rate=False,
        )
    if e1 and d and not e1.get("error"):
        row(
            f"(e) `vlpipe run`, one new month ({e1.get('new_files', '?')} files)",
            e1,
            ratio=f"{100 * e1['seconds'] / d['seconds']:.0f} % of (d)",
            rate=False,
        )
    runs = (("(d)", d), ("(e) no new file", e0), ("(e) new month", e1))
    lines += _phase_lines(list(runs), "Where the nightly runs' time goes")
    lines += _dbt_lines(list(runs))
    if any(m and m.get("peak_parts") for _, m in runs):
        lines += [
            "",
            "Where the nightly runs' memory is at their peak (RSS by kind of process; "
            "PSS counts the pages processes share once):",
            "",
            "| run | peak RSS | peak PSS | by process at the RSS peak |",
            "|---|---:|---:|---|",
        ]
        for label, m in runs:
            if m and m.get("peak_parts"):
                parts = ", ".join(
                    f"{k} {_mb(v)}"
                    for k, v in sorted(m["peak_parts"].items(), key=lambda kv: -kv[1])
                    if v >= 20 * 1024**2
                )
                lines.append(
                    f"| {label} | {_mb(m['peak_rss'])} | {_mb(m.get('peak_pss'))} | {parts} |"
                )
    x = r.get("xlsx")
    if x and not x.get("error"):
        lines += [
            "",
            f"xlsx dataset (the same tables as workbooks): {x['workbooks']} workbooks, "
            f"{x['mb']:,.0f} MB, {x['cells']:,} cells, {x['grid_rows']:,} rows.",
            "",
            "| (f) xlsx reading | seconds | rows/s | ratio to calamine |",
            "|---|---:|---:|---:|",
        ]
        base = x["calamine_seconds"]
        for label, key in (
            ("python-calamine `to_python`, bare", "calamine_seconds"),
            ("fastexcel → Arrow, bare", "fastexcel_seconds"),
            ("vlpipe reader (`read_grids`)", "read_seconds"),
            ("vlpipe read + header + parse", "parse_seconds"),
        ):
            lines.append(
                f"| {label} | {_s(x[key])} | {_rate(x['grid_rows'], x[key])} | "
                f"{x[key] / base:.1f}× |"
            )
        cx = r.get("ingest_xlsx")
        if cx and not cx.get("error"):
            lines.append(
                f"| vlpipe ingest of the xlsx dataset (whole stage) | "
                f"{_s(cx['seconds'])} | {_rate(cx['rows'], cx['seconds'])} | |"
            )
    elif x and x.get("error"):
        lines += ["", f"(f) xlsx: {x['error']}"]
    return "\n".join(lines)


def _oneline(text: str) -> str:
    """The last line of an error, fit for a table cell."""
    last = [line for line in text.strip().splitlines() if line.strip()][-1:] or [""]
    return last[0].replace("|", "/")[:160]


def _ratio(m: dict | None, base: dict | None, label: str) -> str:
    if not m or not base or m.get("error") or base.get("error") or not base.get("seconds"):
        return ""
    return f"{label} = {m['seconds'] / base['seconds']:.1f}×"


GIB = 1024**3
TARGET_HEADER = [
    "| target (issue 16) | goal | where | measured | met |",
    "|---|---|---|---|---|",
]


def _ok(m: dict | None) -> bool:
    return bool(m) and not m.get("error") and bool(m.get("seconds"))


def _verdict(met: bool | None) -> str:
    return "yes" if met else "no" if met is False else "–"


def _at(results: list[dict], scale: float) -> dict:
    return next((r for r in results if r["scale"] == scale), {})


def target_rows(results: list[dict], once: dict | None = None) -> list[tuple[str, ...]]:
    """Issue 16's targets, one row per target and scale: (target, goal, where, measured,
    met: yes | no | –); a scale the target names but not measured says so."""
    once = once or {}
    rows: list[tuple[str, ...]] = []

    def add(target: str, goal: str, where: str, measured: str, met: bool | None) -> None:
        rows.append((target, goal, where, measured, _verdict(met)))

    for scale in (100, 1000):
        r = _at(results, scale)
        a, c = r.get("duckdb"), r.get("ingest")
        if _ok(a) and _ok(c):
            ratio = c["seconds"] / a["seconds"]
            measured = f"{ratio:.1f}× ({_s(c['seconds'])} s vs {_s(a['seconds'])} s)"
            add(
                "ingest vs bare DuckDB `read_csv`",
                "≤ 2.0×",
                f"scale {scale:g}",
                measured,
                ratio <= 2,
            )
        else:
            add(
                "ingest vs bare DuckDB `read_csv`",
                "≤ 2.0×",
                f"scale {scale:g}",
                "not measured",
                None,
            )
    for r in results:
        b, c = r.get("dlt"), r.get("ingest")
        if _ok(b) and _ok(c):
            add(
                "ingest vs dlt into DuckDB",
                "faster",
                f"scale {r['scale']:g}",
                f"{_s(c['seconds'])} s vs {_s(b['seconds'])} s "
                f"({c['seconds'] / b['seconds']:.1f}×)",
                c["seconds"] < b["seconds"],
            )
    if not any(_ok(r.get("dlt")) and _ok(r.get("ingest")) for r in results):
        add("ingest vs dlt into DuckDB", "faster", "any scale", "not measured", None)
    big, base = (_at(results, 1000).get("full") or {}), (_at(results, 100).get("full") or {})
    if big.get("peak_pss"):
        growth = big["peak_pss"] / base["peak_pss"] if base.get("peak_pss") else None
        measured = f"{_mb(big['peak_pss'])} PSS" + (
            f"; {growth:.2f}× scale 100's {_mb(base['peak_pss'])}"
            if growth
            else "; scale 100 not measured"
        )
        met = big["peak_pss"] <= 2 * GIB and (growth <= 1.1 if growth else None)
        add(
            "nightly peak memory (PSS, process tree)",
            "≤ 2 GiB and ≤ 1.1× scale 100's",
            "scale 1000",
            measured,
            met,
        )
    else:
        add(
            "nightly peak memory (PSS, process tree)",
            "≤ 2 GiB and ≤ 1.1× scale 100's",
            "scale 1000",
            "not measured",
            None,
        )
    for r in results:
        e0, p = r.get("rerun"), r.get("prefect")
        if _ok(e0) and _ok(p):
            extra = e0["seconds"] - p["seconds"]
            add(
                "night with no new file",
                "≤ Prefect start-up + 2 s",
                f"scale {r['scale']:g}",
                f"Prefect start-up {_s(p['seconds'])} s "
                f"{'+' if extra >= 0 else '−'} {abs(extra):.1f} s",
                extra <= 2,
            )
    if not any(_ok(r.get("rerun")) and _ok(r.get("prefect")) for r in results):
        add(
            "night with no new file",
            "≤ Prefect start-up + 2 s",
            "every scale",
            "not measured",
            None,
        )
    for scale in (100, 1000):
        r = _at(results, scale)
        d, e1 = r.get("full"), r.get("new_month")
        where = f"scale {scale:g} (a province of one area)"
        if _ok(d) and _ok(e1):
            share = e1["seconds"] / d["seconds"]
            measured = f"{100 * share:.0f} % ({_s(e1['seconds'])} s of {_s(d['seconds'])} s)"
            add(
                "night with one new month",
                "< 10 % of the full night",
                where,
                measured,
                share < 0.10,
            )
        else:
            add("night with one new month", "< 10 % of the full night", where, "not measured", None)
    pv = once.get("province") or {}
    if _ok(pv.get("full")) and _ok(pv.get("new_month")):
        add(
            "night with one new month",
            "< 10 % of the full night",
            f"province of {pv['areas']} areas at scale {pv['scale']:g}, one area's month",
            _province_share(pv),
            pv["new_month"]["seconds"] / pv["full"]["seconds"] < 0.10,
        )
    elif pv:
        add(
            "night with one new month",
            "< 10 % of the full night",
            "province",
            f"failed: {_oneline(_err(pv))}",
            None,
        )
    sf = once.get("smallfiles") or {}
    if _ok(sf.get("duckdb")) and _ok(sf.get("ingest")):
        ours, duck = _files_per_s(sf["ingest"]), _files_per_s(sf["duckdb"])
        add(
            "many small files",
            "files/s within 3× of DuckDB one by one",
            f"{sf['split']['files']:,} files of ~{sf['split']['rows_per_file']:.0f} rows",
            f"vlpipe {_fps(ours)} files/s, DuckDB {_fps(duck)} files/s ({duck / ours:.1f}×)",
            duck / ours <= 3,
        )
    elif sf:
        add(
            "many small files",
            "files/s within 3× of DuckDB one by one",
            "",
            f"failed: {_oneline(_err(sf))}",
            None,
        )
    else:
        add(
            "many small files",
            "files/s within 3× of DuckDB one by one",
            "10,000 files",
            "not measured",
            None,
        )
    mr = (once.get("makerun") or {}).get("run") or {}
    if _ok(mr) and not mr.get("failure"):
        add(
            "`make run` on the committed sample",
            "≤ 30 s",
            "environment set up",
            f"{_s(mr['seconds'])} s",
            mr["seconds"] <= 30,
        )
    elif mr or once.get("makerun"):
        why = mr.get("failure") or _err(mr) or _err(once.get("makerun") or {})
        add(
            "`make run` on the committed sample",
            "≤ 30 s",
            "environment set up",
            f"failed: {_oneline(why)}",
            False,
        )
    else:
        add(
            "`make run` on the committed sample",
            "≤ 30 s",
            "environment set up",
            "not measured",
            None,
        )
    return rows


def _err(m: dict) -> str:
    return str(m.get("error") or "")


def _files_per_s(m: dict) -> float:
    return m["files"] / m["seconds"]


def _fps(x: float) -> str:
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def _province_share(pv: dict) -> str:
    """The new-month night's share of the first night, and without Prefect's start-up."""
    d, e1, p = (
        pv["full"]["seconds"],
        pv["new_month"]["seconds"],
        (pv.get("prefect") or {}).get("seconds"),
    )
    text = f"{100 * e1 / d:.0f} % ({_s(e1)} s of {_s(d)} s)"
    if p and d > p:
        text += f"; excluding Prefect start-up ({_s(p)} s): {100 * max(e1 - p, 0) / (d - p):.0f} %"
    return text


def targets(results: list[dict], once: dict | None = None) -> str:
    """Issue 16's targets as a Markdown table."""
    return "\n".join(
        TARGET_HEADER + ["| " + " | ".join(row) + " |" for row in target_rows(results, once)]
    )


def _phase_lines(
    runs: list[tuple[str, dict | None]], title: str = "Where the time goes"
) -> list[str]:
    """Where runs' time goes (runlog phases), a Markdown table; none if no phases."""
    runs = [(label, m) for label, m in runs if m and m.get("phases")]
    if not runs:
        return []
    lines = [
        "",
        f"{title} (from Prefect's log timestamps, seconds):",
        "",
        "| run | " + " | ".join(PHASE_NAMES) + " |",
        "|---|" + "---:|" * len(PHASE_NAMES),
    ]
    for label, m in runs:
        lines.append(
            f"| {label} | " + " | ".join(_s(m["phases"].get(n)) for n in PHASE_NAMES) + " |"
        )
    return lines


def _dbt_lines(runs: list[tuple[str, dict | None]]) -> list[str]:
    """Where the runs' dbt builds spent their time (dbt's run_results.json); none if no
    run built."""
    runs = [(label, m) for label, m in runs if m and m.get("dbt")]
    if not runs:
        return []
    lines = [
        "",
        "Where the dbt build's time goes (dbt's `run_results.json`; dbt runs 4 nodes at "
        "once, so node seconds add up to more than the build's):",
        "",
        "| run | build s | models (n, s) | tests (n, s) | slowest nodes (s) |",
        "|---|---:|---:|---:|---|",
    ]
    for label, m in runs:
        b = m["dbt"]
        slowest = ", ".join(
            f"{name}{' (test)' if kind == 'test' else ''} {seconds:.1f}"
            for kind, name, seconds in b["top"]
        )
        lines.append(
            f"| {label} | {_s(b['elapsed'])} | {b['models']}, {_s(b['model_seconds'])} | "
            f"{b['tests']}, {_s(b['test_seconds'])} | {slowest} |"
        )
    return lines


def _run_line(label: str, m: dict | None, ratio: str = "") -> str:
    """A measured process as a row: rows, seconds, peak RSS, peak PSS, load, ratio."""
    if not m:
        return f"| {label} | | | | | | not measured |"
    if m.get("error"):
        return f"| {label} | | | | | | failed: {_oneline(m['error'])} |"
    rows = m.get("rows")
    rows = "" if rows is None else f"{rows + m.get('rows_rejected', 0):,}"
    load = "" if m.get("load") is None else f"{m['load']:.1f}"
    if m.get("failure"):
        ratio = "; ".join(x for x in (ratio, f"exit 1: {m['failure']}") if x)
    return (
        f"| {label} | {rows} | {_s(m.get('seconds'))} | {_mb(m.get('peak_rss'))} | "
        f"{_mb(m.get('peak_pss'))} | {load} | {ratio} |"
    )


RUN_HEADER = [
    "| measurement | rows | seconds | peak RSS | peak PSS | load | ratio |",
    "|---|---:|---:|---:|---:|---:|---|",
]


def smallfiles_section(sf: dict) -> list[str]:
    """The many-small-files group: DuckDB one file at a time against vlpipe's ingestion."""
    lines = ["## Many small files", ""]
    if sf.get("error"):
        return lines + [f"Failed ({sf.get('measured', '')}): {_oneline(sf['error'])}", ""]
    sp = sf["split"]
    gen = (
        f"generated in {_s(sf['generated_seconds'])} s"
        if sf.get("generated_seconds")
        else "taken from the cache"
    )
    lines += [
        f"Measured: {sf.get('measured', '?')}.",
        "",
        f"A province of {sf['areas']} areas at scale {sf['scale']:g} ({gen}), split into "
        f"{sp['files']:,} CSV files (`--smallfiles {sf['requested']}`): {sp['data_files']:,} "
        f"pieces of its data files (areas × months × sources), {sp['rows_per_file']:,.0f} data "
        f"rows each on average, and its {sp['reference_files']} reference lists whole.",
        "",
        "| reading | files | rows | seconds | files/s | rows/s | peak RSS | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, key in (
        ("(i) DuckDB `read_csv`, one file at a time", "duckdb"),
        ("(ii) vlpipe ingest, no Prefect", "ingest"),
    ):
        m = sf.get(key) or {}
        if m.get("error") or not m.get("seconds"):
            lines.append(f"| {label} | | | | | | | failed: {_oneline(_err(m) or '?')} |")
            continue
        rows = m.get("rows", 0) + m.get("rows_rejected", 0)
        load = "" if m.get("load") is None else f"{m['load']:.1f}"
        lines.append(
            f"| {label} | {m['files']:,} | {rows:,} | {_s(m['seconds'])} | "
            f"{_fps(_files_per_s(m))} | {_rate(rows, m['seconds'])} | {_mb(m.get('peak_rss'))} | "
            f"{load} |"
        )
    d, c = sf.get("duckdb") or {}, sf.get("ingest") or {}
    if _ok(d) and _ok(c):
        lines += [
            "",
            f"DuckDB reads {_files_per_s(d) / _files_per_s(c):.1f}× as many files per second "
            "as vlpipe's ingestion (target: within 3×)."
            + (
                " vlpipe's files: "
                + ", ".join(f"{n:,} {k}" for k, n in sorted(c["status"].items()))
                + "."
                if c.get("status")
                else ""
            ),
        ]
    return lines + [""]


def province_section(pv: dict) -> list[str]:
    """The province group: first night, then one area's new month."""
    lines = ["## A province: one area's new month", ""]
    if pv.get("error"):
        return lines + [f"Failed ({pv.get('measured', '')}): {_oneline(pv['error'])}", ""]
    ds = pv.get("dataset") or {}
    d, e1, p = pv.get("full"), pv.get("new_month") or {}, pv.get("prefect")
    ratio = _province_share(pv) if _ok(d) and _ok(e1) else ""
    lines += [
        f"Measured: {pv.get('measured', '?')}.",
        "",
        f"A province of {pv['areas']} areas, each at scale {pv['scale']:g} "
        f"(`python -m synth --areas {pv['areas']} --scale {pv['scale']:g} --formats csv`): "
        f"{ds.get('files', '?')} files, {ds.get('mb', 0):,.0f} MB. The new month: the latest "
        f"month's enterprise reports of {e1.get('area', '?')} moved a month on "
        f"({e1.get('new_files', '?')} files).",
        "",
        *RUN_HEADER,
        _run_line("Prefect start-up (a trivial flow)", p),
        _run_line("`vlpipe run`, first night", d),
        _run_line("`vlpipe run`, one area's new month", e1, ratio),
    ]
    lines += _phase_lines([("first night", d), ("one area's new month", e1)])
    lines += _dbt_lines([("first night", d), ("one area's new month", e1)])
    return lines + [""]


def makerun_section(mr: dict) -> list[str]:
    """`make run` on the committed sample."""
    lines = ["## `make run` on the committed sample", ""]
    if mr.get("error"):
        return lines + [f"Failed ({mr.get('measured', '')}): {_oneline(mr['error'])}", ""]
    run = mr.get("run")
    lines += [
        f"Measured: {mr.get('measured', '?')}.",
        "",
        "`vlpipe run --raw-dir raw` (the committed sample) into a fresh warehouse, with the "
        "Makefile's demo PII key, the environment set up (`.venv` synced, PREFECT_HOME "
        "initialised); target ≤ 30 s.",
        "",
        *RUN_HEADER,
        _run_line("Prefect start-up (a trivial flow)", mr.get("prefect")),
        _run_line("`make run` (`vlpipe run`, first night)", run),
    ]
    lines += _phase_lines([("`make run`", run)])
    lines += _dbt_lines([("`make run`", run)])
    return lines + [""]


def once_sections(once: dict) -> list[str]:
    """The sections of the groups measured once (not per scale), in a fixed order."""
    parts: list[str] = []
    for key, section in (
        ("smallfiles", smallfiles_section),
        ("province", province_section),
        ("makerun", makerun_section),
    ):
        if once.get(key):
            parts += section(once[key])
    return parts


def phases(profile: Path, top: int = 20) -> tuple[str, str]:
    """(Markdown table of ingestion's phases, text of the top cumulative functions)."""
    stats = pstats.Stats(str(profile))
    total = max((v[3] for v in stats.stats.values()), default=0) or 1
    table = [
        "| phase (cProfile, files parsed in one thread) | seconds | share |",
        "|---|---:|---:|",
    ]
    for label, suffix, func in PHASES:
        cum = sum(
            v[3]
            for (file, _, name), v in stats.stats.items()
            if name == func and file.endswith(suffix)
        )
        if cum:
            table.append(f"| {label} | {cum:,.1f} | {100 * cum / total:.0f} % |")
    table.append(f"| total (profiled run) | {total:,.1f} | 100 % |")
    import io

    buf = io.StringIO()
    pstats.Stats(str(profile), stream=buf).sort_stats("cumulative").print_stats(top)
    text = buf.getvalue()
    text = text[text.find("   ncalls") :].rstrip()
    return "\n".join(table), text.replace(str(ROOT) + "/", "")


MISSES = Path(__file__).with_name("misses.md")


def render(
    results: list[dict],
    info: dict[str, str],
    command: str,
    profile: Path | None,
    notes: list[str],
    scaleout: str | None = None,
    once: dict | None = None,
) -> str:
    """The whole BENCHMARKS.md (``scaleout``: the scale-out section, before the notes;
    ``once``: the results of the groups measured once: smallfiles, province, makerun)."""
    parts = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand. "
        "How each line is measured: see [bench/](bench/) and the notes at the end.",
        "",
        f"- **Machine**: {info['cpu']}, {info['memory']} RAM; {info['os']}",
        f"- **Python** {info['python']}; {info['packages']}",
        f"- **Commit** `{info['commit']}`; run {info['date']}; `{command}`",
        f"- **Load average** at start {info.get('load_start', '?')}, "
        f"at end {info.get('load_end', '?')}: the machine is shared, and *load* in the "
        "tables is the 1-minute load average when each measurement began (2 cores: "
        "above 2, the measurement shared the CPU with other work)",
        "",
        "## Targets",
        "",
        targets(results, once),
        "",
    ]
    if results:
        parts += ["## Measurements", ""]
    for r in results:
        parts += [scale_table(r), ""]
    if profile and profile.exists():
        table, top = phases(profile)
        parts += [
            "## Where ingestion's time goes",
            "",
            f"cProfile of (c) at the largest scale, files parsed in the main thread "
            f"(the profiled run is slower than the timed one). Stats: `{profile}`.",
            "",
            table,
            "",
            "Top 20 functions by cumulative time:",
            "",
            "```",
            top,
            "```",
            "",
        ]
    parts += once_sections(once or {})
    if scaleout:
        parts += [scaleout, ""]
    if MISSES.is_file():  # written by hand: the profiles of the targets missed, what was tried
        parts += [MISSES.read_text(encoding="utf-8").rstrip("\n"), ""]
    parts += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(parts)


def with_section(text: str, heading: str, section: str) -> str:
    """``text`` (a report) with its ``## heading`` section replaced by ``section`` (up to
    the next ``## `` heading), or ``section`` added before the notes (or at the end)."""
    lines = text.splitlines()
    title = f"## {heading}"
    new = section.rstrip("\n").splitlines() + [""]
    if title in lines:
        start = lines.index(title)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        return "\n".join(lines[:start] + new + lines[end:]) + "\n"
    at = lines.index("## Notes") if "## Notes" in lines else len(lines)
    return "\n".join(lines[:at] + new + lines[at:]) + "\n"
