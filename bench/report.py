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
    if any(m and m.get("phases") for _, m in runs):
        lines += [
            "",
            "Where the nightly runs' time goes (from Prefect's log timestamps, seconds):",
            "",
            "| run | " + " | ".join(PHASE_NAMES) + " |",
            "|---|" + "---:|" * len(PHASE_NAMES),
        ]
        for label, m in runs:
            if m and m.get("phases"):
                lines.append(
                    f"| {label} | " + " | ".join(_s(m["phases"].get(n)) for n in PHASE_NAMES) + " |"
                )
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


def targets(results: list[dict]) -> str:
    """The issue's targets, judged at the largest scale measured."""
    ok = [r for r in results if r.get("ingest") and not r["ingest"].get("error")]
    if not ok:
        return "No scale completed its measurements."
    big = max(ok, key=lambda r: r["scale"])
    a, b, c = big.get("duckdb") or {}, big.get("dlt") or {}, big["ingest"]
    d, p = big.get("full") or {}, big.get("prefect") or {}
    e0, e1 = big.get("rerun") or {}, big.get("new_month") or {}
    rows = [f"| target (issue 6) | measured at scale {big['scale']:g} | met |", "|---|---|---|"]

    def add(target: str, measured: str, met: bool | None) -> None:
        verdict = "yes" if met else "no" if met is False else "–"
        rows.append(f"| {target} | {measured} | {verdict} |")

    if a.get("seconds"):
        ratio = c["seconds"] / a["seconds"]
        add("ingest ≤ 3× the bare DuckDB load", f"{ratio:.1f}×", ratio <= 3)
    if b.get("seconds"):
        add(
            "ingest faster than dlt (validating more)",
            f"{c['seconds']:.1f} s vs {b['seconds']:.1f} s",
            c["seconds"] < b["seconds"],
        )
    if d.get("peak_rss"):
        add(
            "peak memory of the nightly run < 2 GiB",
            _mb(d["peak_rss"]),
            d["peak_rss"] < 2 * 1024**3,
        )
        s100 = next((r for r in ok if r["scale"] == 100 and r.get("full")), None)
        if s100 and big["scale"] > 100:
            growth = d["peak_rss"] / s100["full"]["peak_rss"]
            add(
                "… and not growing from scale 100",
                f"{growth:.1f}× the peak at scale 100",
                growth < 1.25,
            )
    if e0.get("seconds") and p.get("seconds"):
        extra = e0["seconds"] - p["seconds"]
        add("no-new-file night within 3 s of Prefect's start-up", f"+{extra:.1f} s", extra <= 3)
    if e1.get("seconds") and d.get("seconds"):
        share = e1["seconds"] / d["seconds"]
        add("one-new-month night < 10 % of the full run", f"{100 * share:.0f} %", share < 0.10)
    return "\n".join(rows)


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


def render(
    results: list[dict],
    info: dict[str, str],
    command: str,
    profile: Path | None,
    notes: list[str],
    scaleout: str | None = None,
) -> str:
    """The whole BENCHMARKS.md (``scaleout``: the scale-out section, before the notes)."""
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
        targets(results),
        "",
    ]
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
    if scaleout:
        parts += [scaleout, ""]
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
