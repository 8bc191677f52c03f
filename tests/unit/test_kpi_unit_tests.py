"""The dbt unit tests of the KPIs (``unit_tests:`` beside each ``int_kpi__<family>`` model).

Each KPI code has hand-written input rows and expected values in
``sql/models/intermediate/int_kpi__<family>.yml``, in tests named ``<kpi code>__<case>``. They
run here against an empty warehouse: the raw and ops tables created by the pipeline's own DDL
(``flows.ingest.ledger.ensure_ops`` / ``ensure_raw_table``), then ``dbt build --empty`` of the
tested models and those above them (dbt types a unit test's input rows from its parent
relations, so they must exist) and ``dbt test --select test_type:unit``. No end-to-end night:
about 30 s.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from flows.ingest import ledger
from schemas.registry import SOURCES

ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = ROOT / "sql"
MODELS_DIR = SQL_DIR / "models"
FAMILY_DIR = MODELS_DIR / "intermediate"
CATALOG = SQL_DIR / "seeds" / "kpi_catalog.csv"
DBT = Path(sys.executable).with_name("dbt")


def unit_tests() -> list[dict]:
    """Every unit test declared under sql/models, with the YAML file it is declared in."""
    found = []
    for path in sorted(MODELS_DIR.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for test in document.get("unit_tests") or []:
            found.append({**test, "file": path})
    return found


def catalog() -> list[dict[str, str]]:
    with CATALOG.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def dbt(
    command: list[str], work: Path, database: Path
) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """Run dbt against ``database``; its output and the results of run_results.json."""
    target = work / "target"
    args = [
        str(DBT),
        *command,
        "--project-dir",
        str(SQL_DIR),
        "--profiles-dir",
        str(SQL_DIR),
        "--target-path",
        str(target),
        "--log-path",
        str(work / "logs"),
    ]
    env = {**os.environ, "VLPIPE_DB": str(database)}
    results_file = target / "run_results.json"
    results_file.unlink(missing_ok=True)
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=600)
    results = []
    if results_file.exists():
        results = json.loads(results_file.read_text(encoding="utf-8")).get("results", [])
    return proc, results


@pytest.fixture(scope="module")
def unit_test_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[dict]]:
    """The unit tests' results on an empty warehouse: ``dbt build --empty`` of the tested
    models and everything above them, then ``dbt test --select test_type:unit`` (every unit
    test runs, one failing does not skip the others as it would inside a build)."""
    work = tmp_path_factory.mktemp("kpi-unit-tests")
    database = work / "private.duckdb"
    with duckdb.connect(str(database)) as con:
        ledger.ensure_ops(con)
        for source in SOURCES:
            ledger.ensure_raw_table(con, source)
    tested = sorted({test["model"] for test in unit_tests()})
    proc, results = dbt(
        [
            "build",
            "--empty",
            "--select",
            *(f"+{m}" for m in tested),
            "--exclude-resource-type",
            "test",
            "unit_test",
        ],
        work,
        database,
    )
    broken = [
        f"{r['unique_id']}: {r['status']} {r.get('message') or ''}"
        for r in results
        if r["status"] not in ("success", "pass")
    ]
    assert proc.returncode == 0 and not broken, (
        "building the empty warehouse for the unit tests failed:\n"
        + "\n".join(broken)
        + "\n"
        + (proc.stdout + proc.stderr)[-3000:]
    )
    proc, results = dbt(["test", "--select", "test_type:unit"], work, database)
    return (proc.stdout + proc.stderr)[-3000:], results


def test_kpi_unit_tests_pass(unit_test_run: tuple[str, list[dict]]) -> None:
    output, results = unit_test_run
    status = {
        r["unique_id"].rsplit(".", 1)[-1]: r
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    failing = [
        f"- {name}: {r['status']}\n{r.get('message') or ''}"
        for name, r in sorted(status.items())
        if r["status"] in ("fail", "error")
    ]
    assert not failing, "failing KPI unit tests:\n" + "\n".join(failing)
    declared = {test["name"] for test in unit_tests()}
    passed = {name for name, r in status.items() if r["status"] == "pass"}
    assert declared <= passed, (
        f"unit tests dbt did not pass: {sorted(declared - passed)}\n" + output
    )


def test_every_kpi_code_has_a_unit_test_beside_its_family_model() -> None:
    tests = unit_tests()
    missing = []
    for row in catalog():
        code, family = row["kpi_code"], row["family"]
        model = f"int_kpi__{family}"
        own = [
            t
            for t in tests
            if t["name"].startswith(code.lower() + "__")
            and t["model"] == model
            and t["file"] == FAMILY_DIR / f"{model}.yml"
        ]
        if not own:
            missing.append(
                f"{code}: no unit test named {code.lower()}__… on {model} in "
                f"sql/models/intermediate/{model}.yml"
            )
    assert not missing, "KPI codes without a dbt unit test of their own:\n" + "\n".join(missing)


def test_unit_test_names_say_what_they_test() -> None:
    """A unit test's name starts with a KPI code of its family model (or comparator__)."""
    families = {}
    for row in catalog():
        families.setdefault(f"int_kpi__{row['family']}", set()).add(row["kpi_code"].lower())
    wrong = [
        f"{t['name']} ({t['model']})"
        for t in unit_tests()
        if t["model"] in families and t["name"].split("__", 1)[0] not in families[t["model"]]
    ]
    assert not wrong, f"unit tests not named after a KPI code of their model: {wrong}"
