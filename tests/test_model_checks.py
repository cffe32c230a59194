"""A run that built no model (nothing new) reports the reconciliation differences and report-table
warnings of the run that left that model (its meta.runs summary), without counting them again
from the laporan views; after a build, or when the last run did not complete, they are counted."""

from __future__ import annotations

import datetime as dt
import json

from lkip import drop, stage


def _warehouse(tmp_path, last_status: str, summary: dict | None):
    con = stage.connect(path=tmp_path / "w.duckdb")
    con.execute("insert into meta.runs values ('r-lalu', ?, ?, ?, 1, ?)",
                [dt.datetime(2026, 12, 1), dt.datetime(2026, 12, 1, 0, 5), last_status,
                 None if summary is None else json.dumps(summary)])
    con.execute("insert into meta.runs (run_id, started_at, status) values ('r-kini', ?, 'running')",
                [dt.datetime(2026, 12, 2)])
    # the model's views as the counts read them: 2 differences, 3 warnings of one table
    con.execute("create or replace view laporan.rekonsiliasi as select * from (values "
                "('1.01', 5, 0, 0, 0, 0), ('1.02', 0, 1, 0, 0, 0), ('KOTA', 9, 0, 0, 0, 0)) "
                "t(kode_skpd, selisih_lra_sp2d, selisih_lra_form, selisih_sp2d_form, selisih_dokumen_sp2d, "
                "selisih_dokumen_form)")
    con.execute("create or replace view laporan.peringatan as select * from (values "
                "('1.01', 'tabel_3_1'), ('1.01', 'tabel_3_1'), ('1.02', 'tabel_3_1'), ('KOTA', 'tabel_3_1')) "
                "t(kode_skpd, tabel)")
    return con


LAST = {"reconciliation_differences": 7, "peringatan_laporan": {"tabel_2_1": 4}}


def test_nothing_built_the_last_completed_runs_counts(tmp_path):
    con = _warehouse(tmp_path, "completed", LAST)
    assert drop.model_checks(con, "r-kini", rebuilt=False) == (7, {"tabel_2_1": 4})


def test_counted_after_a_build_or_without_a_usable_last_run(tmp_path):
    counted = (2, {"tabel_3_1": 3})
    con = _warehouse(tmp_path, "completed", LAST)
    assert drop.model_checks(con, "r-kini", rebuilt=True) == counted
    con.close()
    for status, summary in (("failed", LAST), ("completed", None), ("completed", {"status": "completed"})):
        (tmp_path / "w.duckdb").unlink()
        con = _warehouse(tmp_path, status, summary)
        assert drop.model_checks(con, "r-kini", rebuilt=False) == counted, (status, summary)
        con.close()


def test_counted_on_given_copies_of_the_views(tmp_path):
    """count_checks reads the tables it is given (the publish plan's copies), not the views; a
    build's run takes those counts, a run that built nothing still the last run's."""
    con = _warehouse(tmp_path, "completed", LAST)
    con.execute("create temp table rek as select * from laporan.rekonsiliasi where kode_skpd = '1.01'")
    con.execute("create temp table per as select * from laporan.peringatan where kode_skpd = '1.02'")
    counted = drop.count_checks(con, {"rekonsiliasi": "temp.main.rek", "peringatan": "temp.main.per"})
    assert counted == (1, {"tabel_3_1": 1})
    assert drop.count_checks(con, {}) == (2, {"tabel_3_1": 3})  # no copy: the views
    assert drop.model_checks(con, "r-kini", rebuilt=True, counted=counted) == counted
    assert drop.model_checks(con, "r-kini", rebuilt=False, counted=counted) == (7, {"tabel_2_1": 4})
