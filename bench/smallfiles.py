"""The many-small-files dataset (issue 16): a generated province's CSV files split into
about ``n`` files of a few hundred rows, areas × months × sources, and DuckDB reading them
one by one.

Each data file of each area (a month's enterprise reports, a half-year's labour list, a
quarter's task reports…) is cut into pieces of consecutive rows; each piece keeps the
file's title lines and header (so vlpipe reads it as it reads the original) and its name,
in a sub-folder ``part-NNN/`` next to where the original was, under the same area and
source folder. Grand-total rows are left out (a piece's total would not add up). The
reference lists (areas, communes, zones, lead units, plan targets, VSIC) are copied whole;
files that are not CSV (the generator's one unreadable page) are left out.
"""

from __future__ import annotations

import csv
import heapq
import io
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.dataset import csv_layout

TOTAL = re.compile(r"^\s*(tổng cộng|tổng số|tổng|cộng|total)\s*$", re.IGNORECASE)
STAMP = ".bench-smallfiles.txt"
AREAS = 4  # the province split into small files (2 below SMALL: fewer files at least)
SMALL = 2_000
ROWS_PER_FILE = 200  # the rows a small file holds, about
ROWS_PER_AREA_SCALE = 24_000  # data rows of one generated area at scale 1, about


def province_areas(files: int) -> int:
    """The areas of the province split into ``files`` files: each area has about 125 data
    files, so a small test (``--smallfiles 50``) takes 2 (about 260 files at least)."""
    return AREAS if files >= SMALL else 2


def province_scale(files: int) -> float:
    """The scale of the generated province whose data rows make ``files`` files of about
    ROWS_PER_FILE rows (0.1 at least)."""
    areas = province_areas(files)
    return max(0.1, round(files * ROWS_PER_FILE / (areas * ROWS_PER_AREA_SCALE), 1))


@dataclass
class CsvTable:
    """One CSV file taken apart: its title lines as written, its header and data rows."""

    encoding: str
    delimiter: str
    title: str
    header: list[str]
    rows: list[list[str]]


def data_folders() -> set[str]:
    from schemas.registry import DATA_SOURCES

    return {s.folder for s in DATA_SOURCES}


def read_table(path: Path) -> CsvTable:
    """``path`` as title lines, header record and data rows (totals left out)."""
    lay = csv_layout(path)
    with path.open(encoding=lay.encoding, newline="") as fh:  # line ends as written
        text = fh.read()
    lines = text.splitlines(keepends=True)
    title, rest = "".join(lines[: lay.skip]), "".join(lines[lay.skip :])
    records = list(csv.reader(io.StringIO(rest, newline=""), delimiter=lay.delimiter))
    header = records[0] if records else []
    rows = [r for r in records[1:] if any(c.strip() for c in r) and not _is_total(r)]
    return CsvTable(lay.encoding, lay.delimiter, title, header, rows)


def _is_total(row: list[str]) -> bool:
    return any(TOTAL.match(c) for c in row[:3])


def write_table(path: Path, table: CsvTable, rows: list[list[str]]) -> None:
    """A file with ``table``'s title lines and header, and ``rows``, in its encoding."""
    buf = io.StringIO(newline="")
    buf.write(table.title)
    writer = csv.writer(buf, delimiter=table.delimiter, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode(table.encoding, errors="replace"))


def allocate(sizes: list[int], pieces: int) -> list[int]:
    """Pieces per file, ``pieces`` in all when it can be: one per file, then each further
    piece to the file whose pieces are the largest (rows ÷ pieces), at most one per row."""
    counts = [1] * len(sizes)
    heap = [(-n, i) for i, n in enumerate(sizes) if n > 1]
    heapq.heapify(heap)
    for _ in range(max(0, pieces - len(sizes))):
        if not heap:
            break
        _, i = heapq.heappop(heap)
        counts[i] += 1
        if counts[i] < sizes[i]:
            heapq.heappush(heap, (-sizes[i] / counts[i], i))
    return counts


def chunks(rows: list[list[str]], n: int) -> list[list[list[str]]]:
    """``rows`` cut into ``n`` runs of consecutive rows, sizes differing by one at most."""
    size, extra = divmod(len(rows), n)
    out, at = [], 0
    for i in range(n):
        step = size + (1 if i < extra else 0)
        out.append(rows[at : at + step])
        at += step
    return out


def split_dataset(source: Path, target: Path, files: int) -> dict:
    """Write ``target``: ``source`` (a generated province, CSV) as about ``files`` CSV files
    (the reference lists whole, every data file cut into pieces). Returns what was written."""
    started = time.perf_counter()
    shutil.rmtree(target, ignore_errors=True)
    folders = data_folders()
    data, sizes, copied = [], [], 0
    for path in sorted(source.rglob("*.csv")):
        rel = path.relative_to(source)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if folders & set(rel.parts[:-1]):  # counted now, cut later: one file in memory
            data.append(rel)
            sizes.append(len(read_table(path).rows))
        else:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / rel)
            copied += 1
    written, rows = 0, 0
    for rel, n in zip(data, allocate(sizes, files - copied), strict=True):
        table = read_table(source / rel)
        for i, part in enumerate(chunks(table.rows, n)):
            sub = rel.parent / f"part-{i:03d}" / rel.name if n > 1 else rel
            write_table(target / sub, table, part)
            written += 1
            rows += len(part)
    result = {
        "files": written + copied,
        "data_files": written,
        "reference_files": copied,
        "data_rows": rows,
        "rows_per_file": rows / written if written else 0,
        "split_seconds": time.perf_counter() - started,
    }
    (target / STAMP).write_text(repr(result))
    return result


def csv_paths(root: Path) -> list[Path]:
    """Every CSV file of a dataset, in a stable order."""
    return sorted(
        p
        for p in root.rglob("*.csv")
        if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def duckdb_one_by_one(root: Path, db: Path) -> dict:
    """(i): every CSV file under ``root`` read by its own ``read_csv`` into a table of its
    own (one ``create table`` per file), one after the other in one process and one
    connection; the layout (title lines, delimiter, encoding) is found before the clock
    starts, the rows counted after it stops. Returns seconds, files and rows."""
    import duckdb

    from bench.peers import DUCKDB_ENCODING

    items = [(p, csv_layout(p)) for p in csv_paths(root)]
    with duckdb.connect(str(db)) as con:
        con.execute("set enable_progress_bar = false")
        started = time.perf_counter()
        for i, (path, lay) in enumerate(items):  # each statement its own transaction
            con.execute(
                f"create table f{i} as select * from read_csv($file, skip = {lay.skip}, "
                f"header = true, delim = '{lay.delimiter}', quote = '\"', "
                f"encoding = '{DUCKDB_ENCODING[lay.encoding]}', all_varchar = true, "
                "null_padding = true)",
                {"file": str(path)},
            )
        con.execute("checkpoint")
        seconds = time.perf_counter() - started
        rows = sum(
            con.execute(f"select count(*) from f{i}").fetchone()[0] for i in range(len(items))
        )
    return {"seconds": seconds, "files": len(items), "rows": rows}
