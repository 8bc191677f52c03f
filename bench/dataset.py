"""Benchmark datasets: generated outside the repo, cached, described file by file.

A dataset is ``<work>/scale-<N>-<formats>/``, written by ``python -m synth`` and
reused while its stamp (scale, seed, formats, hash of the generator's code) matches.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.measure import Measured, run_measured

ROOT = Path(__file__).resolve().parents[1]
STAMP = ".bench-dataset.json"


@dataclass(frozen=True)
class CsvLayout:
    """What DuckDB (and the dlt peer) must be told to read one CSV file's table."""

    skip: int  # title lines above the header
    delimiter: str
    encoding: str  # the file's: utf-8 | utf-8-sig | cp1258


@dataclass
class Dataset:
    root: Path
    scale: float
    formats: str
    generated_seconds: float | None = None  # None: taken from the cache
    generated_rss: int | None = None

    def files(self) -> dict[str, list[Path]]:
        """Each declared source's files, found as ingestion finds them (in raw/ and in each
        area's folder of a province)."""
        from flows.ingest.pipeline import discover
        from schemas.reference import AREAS
        from schemas.registry import SOURCES

        found: dict[str, list[Path]] = {}
        for s in SOURCES:
            found[s.name] = list(discover(self.root, s))
            for folder in area_folders(self.root) if s.name != AREAS.name else []:
                found[s.name] += discover(self.root, s.in_area(folder, ""))
        return found

    def summary(self) -> dict:
        files = [p for ps in self.files().values() for p in ps]
        by_suffix: dict[str, int] = {}
        for p in files:
            by_suffix[p.suffix.lower()] = by_suffix.get(p.suffix.lower(), 0) + 1
        return {
            "files": len(files),
            "by_suffix": by_suffix,
            "mb": sum(p.stat().st_size for p in files) / 1e6,
        }


def area_folders(root: Path) -> list[str]:
    """The area folders ``reference/areas.csv`` lists (none for a single district)."""
    listing = root / "reference" / "areas.csv"
    if not listing.exists():
        return []
    with listing.open(encoding="utf-8-sig", newline="") as fh:
        return [f for row in csv.DictReader(fh) if (f := (row.get("folder") or "").strip())]


def generator_hash() -> str:
    """Hash of the generator's code: a changed generator means new datasets."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "synth").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_dataset(
    work: Path, scale: float, formats: str, seed: int = 2022, areas: int = 1
) -> Dataset:
    """The cached dataset, or a new one (generated in a child process, timed); with
    ``areas`` > 1 a province of that many areas, each of them at ``scale``."""
    name = f"scale-{scale:g}-{formats}" if areas == 1 else f"province-{areas}x{scale:g}-{formats}"
    root = work / name
    stamp = {"scale": scale, "seed": seed, "formats": formats, "generator": generator_hash()}
    if areas != 1:
        stamp["areas"] = areas
    stamp_file = root / STAMP
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp:
        return Dataset(root, scale, formats)
    shutil.rmtree(root, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "synth",
        "--out",
        str(root),
        "--seed",
        str(seed),
        "--scale",
        f"{scale:g}",
        "--formats",
        formats,
        "--areas",
        str(areas),
    ]
    measured: Measured = run_measured(cmd, cwd=ROOT)
    if measured.returncode != 0:
        raise RuntimeError(f"generator failed ({measured.returncode}):\n{measured.output}")
    stamp_file.write_text(json.dumps(stamp))
    return Dataset(root, scale, formats, measured.seconds, measured.peak_rss)


def csv_layout(path: Path) -> CsvLayout:
    """Title lines, delimiter and encoding of one of our CSV files, found the simple way:
    the header is the first record with more than one field; its delimiter is the more
    frequent of ',' and ';' on it."""
    head = path.open("rb").read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is fine
            encoding = "utf-8" if exc.start > len(head) - 4 else "cp1258"
    text = head.decode("utf-8-sig" if encoding == "utf-8-sig" else encoding, errors="replace")
    for skip, line in enumerate(text.splitlines()):
        counts = {d: line.count(d) for d in ",;"}
        delimiter = max(counts, key=lambda d: counts[d])
        if (
            counts[delimiter] >= 1
            and len(next(csv.reader(io.StringIO(line), delimiter=delimiter))) > 1
        ):
            return CsvLayout(skip, delimiter, encoding)
    return CsvLayout(0, ",", encoding)


# --- one more month ----------------------------------------------------------------------

_LATEST = re.compile(rb"(\d{4})-?(\d{2})(?:_bo_sung)?$")


def latest_month_files(raw: Path) -> list[Path]:
    """The enterprise-report files of the latest month (its zone and commune files)."""
    files = [p for p in (raw / "enterprise_reports").rglob("*") if p.is_file()]
    months = {}
    for p in files:
        m = _LATEST.search(p.stem.encode())
        if m:
            months.setdefault(m.group(1) + m.group(2), []).append(p)
    return sorted(months[max(months)]) if months else []


def _shift(data: bytes, year: int, month: int) -> bytes:
    """Every date and period of ``month`` moved to the next month, and the next month's
    (report dates) to the one after: 06/2023 → 07/2023, 15/7/2023 → 15/8/2023,
    2023-06 → 2023-07, 'Tháng 6/2023' → 'Tháng 7/2023'."""

    def nxt(y: int, m: int) -> tuple[int, int]:
        return (y + m // 12, m % 12 + 1)

    for y, m in (nxt(year, month), (year, month)):  # the later month first
        ny, nm = nxt(y, m)
        data = re.sub(
            rb"(?<!\d)0?%d/%d(?!\d)" % (m, y),
            lambda g, nm=nm, ny=ny: (
                (b"%02d/%d" if g.group(0).startswith(b"0") else b"%d/%d") % (nm, ny)
            ),
            data,
        )
        data = data.replace(b"%d-%02d" % (y, m), b"%d-%02d" % (ny, nm))
    return data


def add_next_month(raw: Path) -> list[Path]:
    """Write the month after the latest one: the latest month's enterprise-report files
    with every date moved a month on (new names, new content), arriving now."""
    written = []
    for path in latest_month_files(raw):
        m = _LATEST.search(path.stem.encode())
        year, month = int(m.group(1)), int(m.group(2))
        ny, nm = (year + month // 12, month % 12 + 1)
        name = path.name.replace(f"{year}-{month:02d}", f"{ny}-{nm:02d}").replace(
            f"{year}{month:02d}", f"{ny}{nm:02d}"
        )
        target = path.with_name(name)
        if path.suffix.lower() == ".csv":
            target.write_bytes(_shift(path.read_bytes(), year, month))
        else:
            continue  # a workbook would need rewriting cell by cell: the CSV month is enough
        written.append(target)
    return written


def link_copy(source: Path, target: Path) -> None:
    """A copy of a raw folder made of hard links (same bytes and times, no space)."""
    shutil.rmtree(target, ignore_errors=True)
    for dirpath, _, filenames in os.walk(source):
        rel = Path(dirpath).relative_to(source)
        (target / rel).mkdir(parents=True, exist_ok=True)
        for name in filenames:
            if not name.startswith("."):
                os.link(Path(dirpath) / name, target / rel / name)


def describe(ds: Dataset) -> dict:
    return {**asdict(ds), "root": str(ds.root), **ds.summary()}
