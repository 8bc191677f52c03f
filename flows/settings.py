"""The pipeline's configuration, one place: every ``VLPIPE_*`` environment variable and the
Prefect defaults, read into one frozen :class:`Settings` value.

``Settings.from_env()`` reads the environment; nothing else in the package reads a
``VLPIPE_*`` variable. A run reads it at its start and passes it on where a function already
receives the run's paths; the deep readers (file limits, batches) call :func:`current`, which
reads the environment afresh, so a change between runs (or a test's ``monkeypatch.setenv``)
takes effect without a cache to clear. Every variable is documented in the README's
configuration table (tests/unit/test_architecture.py checks both lists are the same).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PII_SECRET_BLOCK = "vlpipe-pii-key"
DBT_DB_ENV = "VLPIPE_DB"  # set by the pipeline for its dbt child process, not configuration
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh: UTC+7, no DST

# Quiet, self-contained Prefect defaults (anything already set in the environment wins):
# the temporary API server gets more than its default 20 s to start (2-core CI machines),
# PREFECT_HOME stays inside the project, analytics and server access logs are off.
PREFECT_DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "CRITICAL",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "PREFECT_LOGGING_EXTRA_LOGGERS": "vlpipe",
    "PREFECT_UI_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "TQDM_DISABLE": "1",  # great-expectations' progress bars
}


def _env(name: str) -> dict:
    return {"env": name}


@dataclass(frozen=True)
class Settings:
    """Every setting of the pipeline, with its default; ``env`` names its variable."""

    pii_key_value: str | None = field(default=None, repr=False, metadata=_env("VLPIPE_PII_KEY"))
    lock_wait_seconds: float = field(default=60.0, metadata=_env("VLPIPE_LOCK_WAIT_SECONDS"))
    max_file_mb: float = field(default=512.0, metadata=_env("VLPIPE_MAX_FILE_MB"))
    max_rows: int = field(default=5_000_000, metadata=_env("VLPIPE_MAX_ROWS"))
    max_unzipped_mb: float = field(default=1024.0, metadata=_env("VLPIPE_MAX_UNZIPPED_MB"))
    max_cells: int = field(default=1_048_576 * 64, metadata=_env("VLPIPE_MAX_CELLS"))
    min_free_mb: float = field(default=64.0, metadata=_env("VLPIPE_MIN_FREE_MB"))
    chromium: str | None = field(default=None, metadata=_env("VLPIPE_CHROMIUM"))
    workers: int = field(
        default_factory=lambda: max(1, os.cpu_count() or 1), metadata=_env("VLPIPE_WORKERS")
    )
    prefetch_mb: float = field(default=128.0, metadata=_env("VLPIPE_PREFETCH_MB"))
    batch_mb: float = field(default=64.0, metadata=_env("VLPIPE_BATCH_MB"))
    today: dt.date | None = field(default=None, metadata=_env("VLPIPE_TODAY"))
    rehash: bool = field(default=False, metadata=_env("VLPIPE_REHASH"))
    duckdb_memory: str = field(default="1GB", metadata=_env("VLPIPE_DUCKDB_MEMORY"))
    # Scale-out mode (README "Scaling out"): set both to switch it on.
    lake_catalog: str | None = field(default=None, metadata=_env("VLPIPE_LAKE_CATALOG"))
    lake_data: str | None = field(default=None, metadata=_env("VLPIPE_LAKE_DATA"))
    area_deployment: str = field(
        default="area-ingest/area-ingest", metadata=_env("VLPIPE_AREA_DEPLOYMENT")
    )
    area_wave: int = field(default=16, metadata=_env("VLPIPE_AREA_WAVE"))
    area_timeout_seconds: float = field(
        default=3 * 3600.0, metadata=_env("VLPIPE_AREA_TIMEOUT_SECONDS")
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment gives (``os.environ`` by default); unset or empty
        variables keep their defaults."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value if value else None

        values: dict[str, Any] = {}
        if key := env.get("VLPIPE_PII_KEY"):
            values["pii_key_value"] = key
        for name, parse in (
            ("lock_wait_seconds", float),
            ("max_file_mb", float),
            ("max_unzipped_mb", float),
            ("min_free_mb", float),
            ("prefetch_mb", float),
            ("batch_mb", float),
            ("max_rows", int),
            ("max_cells", lambda v: int(float(v))),
            ("workers", lambda v: max(1, int(v))),
            ("area_wave", lambda v: max(1, int(v))),
            ("area_timeout_seconds", float),
        ):
            if (raw := get(cls.variable(name))) is not None:
                values[name] = parse(raw)
        if (chromium := get("VLPIPE_CHROMIUM")) is not None:
            values["chromium"] = chromium
        if today := env.get("VLPIPE_TODAY", "").strip():
            values["today"] = dt.date.fromisoformat(today)
        values["rehash"] = env.get("VLPIPE_REHASH") == "1"
        values["duckdb_memory"] = env.get("VLPIPE_DUCKDB_MEMORY", "1GB")
        for name in ("lake_catalog", "lake_data", "area_deployment"):
            if (text := get(cls.variable(name))) is not None:
                values[name] = text.strip()
        return cls(**values)

    @staticmethod
    def variable(name: str) -> str:
        """The environment variable of a setting."""
        return next(f.metadata["env"] for f in fields(Settings) if f.name == name)

    @staticmethod
    def variables() -> set[str]:
        """Every environment variable the settings read."""
        return {f.metadata["env"] for f in fields(Settings)}

    @property
    def scale_out(self) -> bool:
        """The scale-out mode: areas ingested by workers into a DuckLake on PostgreSQL."""
        return bool(self.lake_catalog and self.lake_data)

    def run_date(self) -> dt.date:
        """The run's own date: ``VLPIPE_TODAY``, else today's date in Vietnam."""
        return self.today or dt.datetime.now(VIETNAM).date()

    def pii_key(self) -> bytes | None:
        """The pseudonymisation key: VLPIPE_PII_KEY, else the Prefect Secret block, else
        None. Never logged (not in the settings' repr)."""
        if self.pii_key_value:
            return self.pii_key_value.encode("utf-8")
        try:
            from prefect.blocks.system import Secret

            load: Any = Secret.load  # sync here (``_sync``), whatever the caller's loop
            return load(PII_SECRET_BLOCK, _sync=True).get().encode("utf-8")
        except Exception:  # no block registered (the usual case outside a deployment)
            return None


def current() -> Settings:
    """The settings as the environment gives them now (read afresh: no cache to clear)."""
    return Settings.from_env()


def configure_prefect_environment() -> None:
    """Set the Prefect defaults (:data:`PREFECT_DEFAULTS`) not already set; call before
    importing prefect."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
