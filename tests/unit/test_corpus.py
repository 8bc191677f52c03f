"""The corpus of broken inputs (tests/support/corpus/cases.py): each case alone next to a good file,
then all of them in one run."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from schemas.registry import get_source
from tests.support.corpus.cases import CASES, Case, write_case
from tests.support.corpus.make_corpus import GOOD_FILE, make_corpus, write_good
from tests.support.helpers import Ingested, assert_rows_add_up, ingest, write_reference


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _file_rows(result: Ingested, source: str, file_name: str) -> list[dict]:
    table = get_source(source).table
    cur = result.con.execute(
        f"select * from raw.{table} where _file_id in (select file_id from ops.files "
        "where nfc_normalize(file_name) = ?) order by _source_row",
        [_nfc(file_name)],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _bilingual(reason: str | None) -> bool:
    vi, sep, en = (reason or "").partition(" / ")
    return bool(sep and vi.strip() and en.strip())


def _params():
    for c in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []
        yield pytest.param(c, id=c.id, marks=marks)


@pytest.fixture(scope="module")
def loaded_references(tmp_path_factory):
    """A warehouse that already holds the reference tables: each case starts from a copy, so
    the (identical) reference files are skipped instead of parsed again."""
    base = tmp_path_factory.mktemp("corpus_template")
    write_reference(base / "raw")
    ingest(base / "raw", base / "wh", []).con.close()
    return base


@pytest.mark.parametrize("case", list(_params()))
def test_case(case: Case, tmp_path, loaded_references):
    raw = tmp_path / "raw"
    shutil.copytree(loaded_references / "raw", raw)
    shutil.copytree(loaded_references / "wh", tmp_path / "wh")
    write_good(raw)
    write_case(raw, case)
    sources = list(dict.fromkeys([case.source, "enterprise_reports"]))
    result = ingest(raw, tmp_path / "wh", sources)
    by_name = {_nfc(o.file_name): o for o in result.outcomes}

    # The known-good file loads whatever sits next to it.
    good = by_name[GOOD_FILE]
    assert (good.status, good.rows_loaded) == ("loaded", 2), good.reason
    # Every rejection says why, in Vietnamese and English; nothing is an internal error.
    for o in result.outcomes:
        if o.status == "rejected":
            assert _bilingual(o.reason), o
        assert "internal error" not in (o.reason or "").lower(), o
    mine = [r for r in result.rejections() if _nfc(r["file_name"]) == _nfc(case.file)]
    for r in mine:
        assert r["message_vi"] and r["message_en"] and r["message_vi"] != r["message_en"], r

    outcome = by_name[_nfc(case.file)]
    assert outcome.status == case.status, outcome.reason
    assert_rows_add_up(result.con)
    for words in case.reason:
        assert words in (outcome.reason or ""), outcome.reason
    for words in case.not_in_reason:
        assert words not in (outcome.reason or ""), outcome.reason
    if case.status == "rejected":
        assert _file_rows(result, case.source, case.file) == []
        return
    found = {(r["row_number"], r["column_name"], r["rule"]) for r in mine}
    if case.rules is not None:
        assert found == case.rules, mine
    assert case.cells <= {(row, col) for row, col, _ in found}, mine
    rows = _file_rows(result, case.source, case.file)
    if case.sheet is not None:
        assert outcome.sheet == case.sheet
    if case.source_rows is not None:
        assert tuple(r["_source_row"] for r in rows) == case.source_rows
    for column, values in case.values.items():
        assert tuple(r[column] for r in rows) == values, column


def test_all_cases_in_one_run(tmp_path):
    """Every broken file side by side: the run completes and each file has an outcome."""
    written = make_corpus(tmp_path)
    raw = tmp_path / "raw"
    result = ingest(raw, tmp_path / "wh", ["enterprise_reports", "labour_spells"])
    names = {_nfc(o.file_name) for o in result.outcomes}
    expected = {_nfc(p.relative_to(raw).as_posix()) for p in written} | {GOOD_FILE}
    assert expected <= names
    by_name = {_nfc(o.file_name): o for o in result.outcomes}
    assert by_name[GOOD_FILE].status == "loaded"
    assert_rows_add_up(result.con)
    for o in result.outcomes:
        assert o.status in {"loaded", "rejected", "skipped"}
        assert "internal error" not in (o.reason or "").lower(), o
        if o.status == "rejected":
            assert _bilingual(o.reason), o
