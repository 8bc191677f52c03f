"""The shared file ledger of the scale-out mode, in PostgreSQL: exactly once across machines.

``vlpipe_file_claims`` is unique on (area, source, SHA-256): a file content is claimed by
one load, whichever worker offers it first. An area run claims its new files in a
PostgreSQL transaction that stays open while it commits its rows to the lake and that also
records the load in ``vlpipe_loads``; only then is it committed. So:

* the same file offered twice at once: the second claim waits on the first's key, then
  finds it taken and leaves the file out (it is "already processed");
* a worker killed before the lake commit: PostgreSQL rolls its claim back, the lake has
  nothing of it, the next night loads the file;
* a worker killed between the lake commit and the ledger commit: the lake holds rows of a
  load the ledger does not know. Only loads in ``vlpipe_loads`` are ever read (the writer
  copies those), so they are invisible, and the next night loads the file again under a
  new load id.

``vlpipe_publications`` records each audited lake snapshot the writer published.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import psycopg

DDL = """
create table if not exists vlpipe_file_claims (
    area_code text not null, source text not null, sha256 text not null,
    file_id bigint generated always as identity, load_id text not null,
    claimed_at timestamptz not null default now(),
    primary key (area_code, source, sha256));
create table if not exists vlpipe_loads (
    load_id text primary key, area_code text not null, run_id text not null,
    files integer not null, committed_at timestamptz not null default now());
create table if not exists vlpipe_publications (
    snapshot_id bigint not null, version text not null, run_id text not null,
    build_key text, published_at timestamptz not null default now());
"""


def connect(dsn: str) -> psycopg.Connection:
    """A connection to the catalog's database, with English server messages."""
    return psycopg.connect(dsn, options="-c lc_messages=C", connect_timeout=30)


def ensure(dsn: str) -> None:
    with connect(dsn) as con:
        # one writer creates them: a lock so two first nights do not race on the DDL
        con.execute("select pg_advisory_xact_lock(715827883)")
        con.execute(DDL)


@contextmanager
def claiming(dsn: str) -> Iterator[psycopg.Connection]:
    """A transaction for one load's claims: committed when the block ends normally (after
    the lake commit), rolled back on any error or if the process dies."""
    with connect(dsn) as con, con.transaction():
        yield con


def claim(
    con: psycopg.Connection, load_id: str, files: Sequence[tuple[str, str, str]]
) -> dict[tuple[str, str], int]:
    """Claim (area, source, SHA-256) files for ``load_id``, in order: (source, sha) → the
    global file id of each file this load won. Waits for a concurrent claim of the same
    file to end; a file already claimed by another load is not in the answer."""
    if not files:
        return {}
    areas, sources, digests = (list(col) for col in zip(*files, strict=True))
    rows = con.execute(
        "insert into vlpipe_file_claims (area_code, source, sha256, load_id) "
        "select a, s, d, %s from unnest(%s::text[], %s::text[], %s::text[]) "
        "with ordinality as f(a, s, d, n) order by n "
        "on conflict do nothing returning source, sha256, file_id",
        [load_id, areas, sources, digests],
    ).fetchall()
    return {(r[0], r[1]): r[2] for r in rows}


def record_load(
    con: psycopg.Connection, load_id: str, area_code: str, run_id: str, files: int
) -> None:
    con.execute(
        "insert into vlpipe_loads (load_id, area_code, run_id, files) values (%s, %s, %s, %s)",
        [load_id, area_code, run_id, files],
    )


def committed_loads(dsn: str, area_code: str | None = None) -> list[str]:
    """The load ids the ledger knows (of one area, or all), oldest first."""
    with connect(dsn) as con:
        rows = con.execute(
            "select load_id from vlpipe_loads where %s::text is null or area_code = %s "
            "order by committed_at, load_id",
            [area_code, area_code],
        ).fetchall()
    return [r[0] for r in rows]


def record_publication(
    dsn: str, snapshot_id: int, version: str, run_id: str, build_key: str | None
) -> None:
    with connect(dsn) as con:
        con.execute(
            "insert into vlpipe_publications (snapshot_id, version, run_id, build_key) "
            "values (%s, %s, %s, %s)",
            [snapshot_id, version, run_id, build_key],
        )


def published_snapshot(dsn: str) -> tuple[int, str] | None:
    """(snapshot id, version) of the latest publication, if any."""
    with connect(dsn) as con:
        row = con.execute(
            "select snapshot_id, version from vlpipe_publications "
            "order by published_at desc limit 1"
        ).fetchone()
    return (int(row[0]), str(row[1])) if row else None
