"""Where things are and how the pipeline is configured (paths, keys, Prefect environment)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from flows import settings
from flows.settings import (  # noqa: F401 (re-exported: where they were)
    PII_SECRET_BLOCK,
    PROJECT_ROOT,
    VIETNAM,
    configure_prefect_environment,
)

SQL_DIR = PROJECT_ROOT / "sql"
ANALYST_DB = "vinhlinh.duckdb"
KPI_CATALOG = SQL_DIR / "seeds" / "kpi_catalog.csv"  # the KPI catalogue, read by dbt and Python


def run_date() -> dt.date:
    """The run's own date ("today"), the one place that decides it: ``VLPIPE_TODAY``
    (YYYY-MM-DD, for reproducible runs and tests), else today's date in Vietnam. Nothing a
    file reports can have happened after it (a period, a report date, …)."""
    return settings.current().run_date()


@dataclass(frozen=True)
class Paths:
    """The folders of one pipeline instance (the CLI and tests point them anywhere)."""

    raw_dir: Path
    warehouse_dir: Path

    @classmethod
    def of(cls, raw_dir: str | Path, warehouse_dir: str | Path) -> Paths:
        return cls(Path(raw_dir).resolve(), Path(warehouse_dir).resolve())

    @property
    def private_dir(self) -> Path:
        """The pipeline's own files; analysts never open them (a writer holds the DB)."""
        return self.warehouse_dir / "private"

    @property
    def private_db(self) -> Path:
        return self.private_dir / "pipeline.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.private_dir / "run.lock"

    @property
    def analyst_db(self) -> Path:
        return self.warehouse_dir / ANALYST_DB

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse_dir / "parquet"

    @property
    def versions_dir(self) -> Path:
        return self.warehouse_dir / ".versions"

    @property
    def current_link(self) -> Path:
        """The one pointer to the published version: parquet/, reports/, docs/ and
        published.json are fixed links through it."""
        return self.warehouse_dir / "current"

    @property
    def reports_dir(self) -> Path:
        return self.warehouse_dir / "reports"

    @property
    def docs_dir(self) -> Path:
        return self.warehouse_dir / "docs"

    @property
    def docs_staging_dir(self) -> Path:
        """Where the run builds its docs (dbt, great-expectations) before publication."""
        return self.private_dir / "docs"

    def ensure(self) -> None:
        self.private_dir.mkdir(parents=True, exist_ok=True)
        self.versions_dir.mkdir(parents=True, exist_ok=True)


def duckdb_memory_limit() -> str:
    """DuckDB's memory ceiling for the pipeline's heavy work (it spills to disk beyond it)."""
    return settings.current().duckdb_memory


def connect(
    path: str | Path | None = None, read_only: bool = False, memory_limit: str | None = None
):
    """A DuckDB connection with the pipeline's memory ceiling (``memory_limit``, else
    ``VLPIPE_DUCKDB_MEMORY``), in UTC: the one place the package opens DuckDB.

    ``current_timestamp`` written to a plain ``timestamp`` column (ops.file_events.recorded_at)
    is cast with the session's TimeZone, by default the machine's: UTC here makes every stored
    wall-clock time UTC whatever the office PC's zone, as the report reads them
    (flows/report/fmt.local_time)."""
    import duckdb

    con = duckdb.connect(
        str(path) if path else ":memory:",
        read_only=read_only,
        config={"memory_limit": memory_limit or duckdb_memory_limit()},
    )
    con.execute("set TimeZone = 'UTC'")
    return con


def code_fingerprint() -> str:
    """A hash of the code a build depends on (flows/, schemas/, the dbt project): a changed
    model, rule or report means the next night rebuilds even with no new file."""
    import hashlib

    root = PROJECT_ROOT
    digest = hashlib.sha256()
    for folder in ("flows", "schemas", "sql"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".sql", ".yml", ".yaml", ".csv", ".md"} and not any(
                part in {"target", "logs", "dbt_packages", "__pycache__"}
                for part in path.relative_to(root).parts
            ):
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pii_key() -> bytes | None:
    """The pseudonymisation key: VLPIPE_PII_KEY, else the Prefect Secret block, else None."""
    return settings.current().pii_key()
