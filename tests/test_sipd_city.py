"""A city-wide SIPD "Laporan Realisasi Per Dokumen" (several SKPD in one file, docs/sipd.md
"City-wide files"): read by both readers, staged as one part per SKPD, giving each SKPD the tables
three single-SKPD files give; replaced per SKPD; checked per SKPD."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lkip import ingest, model, stage
from lkip.config import load_config
from lkip.extract import realisasi_dokumen as R
from lkip.extract import realisasi_dokumen_fast as F
from lkip.extract.workbook import open_workbook
from tests import sipd_builders as B
from tests import sipd_city as C
from tests.conftest import ingest_folder, make_workspace

VIEWS = ("lampiran_3", "tabel_2_4", "tabel_2_5", "tabel_3_30", "tabel_3_31", "tabel_3_32", "rekonsiliasi")
KODE = [s[0] for s in C.CITY]


def _tables(con) -> dict[str, list[tuple]]:
    out = {v: con.execute(f"SELECT * FROM laporan.{v} ORDER BY ALL").fetchall() for v in VIEWS}
    out["skpd"] = con.execute("SELECT * FROM core.skpd ORDER BY ALL").fetchall()
    return out


def _run(folder: Path, tmp: Path):
    cfg = make_workspace(tmp, sorted(folder.glob("*.xlsx")))
    con, outcomes = ingest_folder(cfg)
    model.build(con, cfg)
    return con, {o.path.name: o for o in outcomes}


def _read(path, fast: bool):
    """The documents reader on ``path``: column-wise (``fast``) or row by row."""
    before = F.FAST_MIN_ROWS
    F.FAST_MIN_ROWS = 0 if fast else 10**12
    try:
        return R.read(open_workbook(path))
    finally:
        F.FAST_MIN_ROWS = before


@pytest.mark.parametrize("fast", [False, True])
def test_both_readers_split_the_rows_per_skpd(tmp_path, fast):
    path = C.write_city_dokumen(tmp_path / "kota.xlsx")
    res = _read(path, fast)
    assert not res.errors, [i.text() for i in res.errors]
    assert res.meta.kode_skpd is None and sorted(res.meta.bagian) == sorted(KODE)
    assert res.meta.bagian[C.DISPERKIM[0]].periode_akhir == dt.date(2024, 8, 12)      # its own last date
    assert res.meta.bagian[C.DISPERKIM[0]].s_d_triwulan == 3
    assert res.meta.bagian[C.DINKES[0]].periode_akhir == dt.date(2024, 12, 30)
    df = res.tables["realisasi_dokumen"]
    assert df["kode_skpd"].value_counts().to_dict() == {k: len(C.docs_of(s)) for k, s in zip(KODE, C.CITY)}
    # the Puskesmas's rows (Sub SKPD) belong to Dinkes, and the officer is told once, for Dinkes
    assert set(df.loc[df["kode_sub_skpd"] == C.PUSKESMAS[0], "kode_skpd"]) == {C.DINKES[0]}
    sub = [i for i in res.issues if "sub unit" in i.pesan]
    assert len(sub) == 1 and C.DINKES[0] in sub[0].pesan and C.PUSKESMAS[0] in sub[0].pesan
    assert sub[0].excel_row == int(df.loc[df["kode_sub_skpd"] == C.PUSKESMAS[0], "excel_row"].min())
    assert list(df.loc[df["kode_skpd"] == C.DISPERKIM[0], "periode_akhir"].unique()) == [dt.date(2024, 8, 12)]


@pytest.fixture(scope="module")
def city_and_singles(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    con_city, out_city = _run(C.write_city_drop(tmp / "src_city", city_file=True), tmp / "ws_city")
    con_single, out_single = _run(C.write_city_drop(tmp / "src_single", city_file=False), tmp / "ws_single")
    yield (con_city, out_city), (con_single, out_single)
    con_city.close()
    con_single.close()


def test_city_file_gives_each_skpd_the_tables_of_its_own_file(city_and_singles):
    (con_city, out_city), (con_single, _) = city_and_singles
    city = out_city["Laporan Realisasi Per Dokumen Kota.xlsx"]
    assert city.outcome == ingest.ACCEPTED_WITH_WARNINGS          # the Sub SKPD warning only
    got, want = _tables(con_city), _tables(con_single)
    for name in want:
        assert got[name] == want[name], name
    kota = [r for r in got["lampiran_3"] if "KOTA" in r]               # the city consolidation is compared too
    assert kota and {k for k in KODE} <= {v for r in got["lampiran_3"] for v in r}
    # and the tables hold what the rule gives by hand: Disdik = 3 x the small drop's realisation
    rows = con_city.execute("SELECT kode_kegiatan, triwulan, nilai FROM core.realisasi_rp_dokumen "
                            "WHERE kode_skpd = ?", [C.DISDIK[0]]).fetchall()
    by = {(k, t): v for k, t, v in rows}
    for kode, tw in C.realisasi_of(C.DISDIK).items():
        for q, v in enumerate(tw, 1):
            assert by.get((kode, q), 0) == v, (kode, q)
    last = con_city.execute("SELECT DISTINCT periode_akhir FROM core.realisasi_dokumen WHERE kode_skpd = ?",
                            [C.DISPERKIM[0]]).fetchall()
    assert last == [(dt.date(2024, 8, 12),)]                     # its own last date, not the file's


def test_city_file_is_one_file_with_one_part_per_skpd(city_and_singles):
    (con, out), _ = city_and_singles
    city = out["Laporan Realisasi Per Dokumen Kota.xlsx"]
    rows = con.execute("SELECT file_sha256, kode_skpd, berkas, n_rows, archived_path IS NOT NULL FROM meta.files "
                       "WHERE kind = 'realisasi_dokumen' ORDER BY file_sha256").fetchall()
    whole = [r for r in rows if r[0] == city.sha256]
    parts = [r for r in rows if r[2] == city.sha256]
    assert whole == [(city.sha256, None, None, 31, True)]              # archived once, as one file
    assert sorted(r[1] for r in parts) == sorted(KODE)
    assert all(r[0] == f"{city.sha256}/{r[1]}" and not r[4] for r in parts)
    assert sum(r[3] for r in parts) == 31
    assert city.archived_to is not None and city.archived_to.exists()
    # a warning about rows of one SKPD is listed under that SKPD's part (its report shows it)
    owners = con.execute("SELECT DISTINCT file_sha256 FROM meta.issues WHERE pesan LIKE '%sub unit%'").fetchall()
    assert owners == [(f"{city.sha256}/{C.DINKES[0]}",)]


class Drops:
    """One warehouse, files staged one drop after another (as successive runs would)."""

    def __init__(self, root: Path):
        self.root = root
        self.cfg = load_config(workspace=root)
        self.con = stage.connect(self.cfg)
        self.n = 0
        plans = root / "plans"
        plans.mkdir(parents=True)
        for s in C.CITY:
            C.write_plan(plans, s)
        for p in sorted(plans.glob("dppa_*.xlsx")):
            self.stage(p)

    def stage(self, path: Path) -> ingest.FileOutcome:
        self.n += 1
        return ingest.stage(self.con, ingest.prepare(path, self.cfg), f"run{self.n}", self.cfg)

    def drop(self, write, name: str, *args, **kw) -> ingest.FileOutcome:
        folder = self.root / "input" / f"drop{self.n + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        return self.stage(write(folder / name, *args, **kw))

    def realisasi(self) -> dict[str, object]:
        model.build(self.con, self.cfg)
        return dict(self.con.execute("SELECT kode_skpd, sum(nilai) FROM core.realisasi_rp_dokumen GROUP BY 1").fetchall())

    def last_dates(self) -> dict[str, dt.date]:
        model.build(self.con, self.cfg)
        return dict(self.con.execute("SELECT kode_skpd, max(periode_akhir) FROM core.realisasi_dokumen GROUP BY 1")
                    .fetchall())


@pytest.fixture()
def drops(tmp_path):
    d = Drops(tmp_path)
    yield d
    d.con.close()


SEPT = dt.date(2024, 9, 30)


def test_newer_city_file_replaces_every_skpd_it_holds(drops):
    old = drops.drop(C.write_city_dokumen, "kota_sep.xlsx", upto=SEPT)
    new = drops.drop(C.write_city_dokumen, "kota_des.xlsx")
    assert old.outcome != ingest.REJECTED and new.outcome != ingest.REJECTED
    sup = drops.con.execute("SELECT file_sha256, superseded_by FROM meta.files WHERE file_sha256 = ? OR berkas = ?",
                            [old.sha256, old.sha256]).fetchall()
    assert sup and all(by is not None and by.startswith(new.sha256) for _, by in sup)   # the file itself too
    assert drops.con.execute("SELECT count(*) FROM staging.realisasi_dokumen WHERE starts_with(file_sha256, ?)",
                             [old.sha256]).fetchone()[0] == 0
    assert drops.last_dates() == {C.DINKES[0]: dt.date(2024, 12, 30), C.DISDIK[0]: dt.date(2024, 12, 30),
                                  C.DISPERKIM[0]: dt.date(2024, 8, 12)}


def test_single_skpd_file_replaces_only_that_skpd(drops):
    city = drops.drop(C.write_city_dokumen, "kota_sep.xlsx", upto=SEPT)
    before = drops.realisasi()
    single = drops.drop(C.write_single_dokumen, "disdik_des.xlsx", C.DISDIK)
    assert single.outcome == ingest.ACCEPTED, single.messages
    parts = dict(drops.con.execute("SELECT kode_skpd, superseded_by FROM meta.files WHERE berkas = ?",
                                   [city.sha256]).fetchall())
    assert parts == {C.DINKES[0]: None, C.DISDIK[0]: single.sha256, C.DISPERKIM[0]: None}
    assert drops.con.execute("SELECT superseded_by FROM meta.files WHERE file_sha256 = ?",
                             [city.sha256]).fetchone()[0] is None          # two of its parts still count
    after = drops.realisasi()
    assert after[C.DINKES[0]] == before[C.DINKES[0]] and after[C.DISPERKIM[0]] == before[C.DISPERKIM[0]]
    assert after[C.DISDIK[0]] == sum(sum(v) for v in C.realisasi_of(C.DISDIK).values())
    # a later city file replaces the single file in turn
    newer = drops.drop(C.write_city_dokumen, "kota_des.xlsx")
    assert drops.con.execute("SELECT superseded_by FROM meta.files WHERE file_sha256 = ?",
                             [single.sha256]).fetchone()[0] == f"{newer.sha256}/{C.DISDIK[0]}"


def test_fewer_rows_for_one_skpd_warns_naming_it(drops):
    drops.drop(C.write_city_dokumen, "kota_des.xlsx")
    # the same date but Disdik's export cut short: same last date, fewer rows
    single = drops.drop(C.write_single_dokumen, "disdik_kurang.xlsx", C.DISDIK, dt.date(2024, 12, 30))
    cut = drops.drop(lambda p: B.write_dokumen(p, C.docs_of(C.DISDIK)[:-3] + [C.docs_of(C.DISDIK)[-1]]), "disdik_cut.xlsx")
    assert single.outcome == ingest.ACCEPTED
    msgs = [m for m in cut.messages if "menggantikan" in m]
    assert msgs and "disdik_kurang.xlsx" in msgs[0] and "11 → 9 baris" in msgs[0], cut.messages


def test_skpd_missing_from_newer_city_file_keeps_its_earlier_part_and_warns(drops):
    old = drops.drop(C.write_city_dokumen, "kota_sep.xlsx", upto=SEPT)
    before = drops.realisasi()
    new = drops.drop(C.write_city_dokumen, "kota_des_tanpa_perkim.xlsx", (C.DINKES, C.DISDIK))
    assert new.outcome == ingest.ACCEPTED_WITH_WARNINGS
    warn = [i for i in new.issues if "tidak ada di berkas ini" in i.pesan]
    assert len(warn) == 1 and C.DISPERKIM[0] in warn[0].pesan and "kota_sep.xlsx" in warn[0].pesan
    assert "tetap diambil dari kota_sep.xlsx" in warn[0].pesan and warn[0].file == "kota_des_tanpa_perkim.xlsx"
    parts = dict(drops.con.execute("SELECT kode_skpd, superseded_by FROM meta.files WHERE berkas = ?",
                                   [old.sha256]).fetchall())
    assert parts[C.DISPERKIM[0]] is None and parts[C.DINKES[0]] is not None and parts[C.DISDIK[0]] is not None
    after = drops.realisasi()
    assert after[C.DISPERKIM[0]] == before[C.DISPERKIM[0]]        # still counted, from the older file
    assert drops.con.execute("SELECT superseded_by FROM meta.files WHERE file_sha256 = ?",
                             [old.sha256]).fetchone()[0] is None


def test_older_city_file_dropped_later_replaces_nothing(drops):
    drops.drop(C.write_city_dokumen, "kota_des.xlsx")
    late = drops.drop(C.write_city_dokumen, "kota_sep.xlsx", upto=SEPT)
    assert late.outcome != ingest.REJECTED
    assert drops.last_dates()[C.DINKES[0]] == dt.date(2024, 12, 30)
    assert not [m for m in late.messages if "menggantikan" in m or "tidak ada di berkas ini" in m]


def test_same_city_file_twice_is_a_duplicate(drops):
    first = drops.drop(C.write_city_dokumen, "kota.xlsx")
    again = drops.stage(first.path)
    assert again.outcome == ingest.DUPLICATE


def test_sub_kegiatan_not_in_that_skpd_dpa_rejects_the_file_naming_the_row(drops):
    stray = C.docs_of(C.DISDIK)[1] | {"Kode Sub Kegiatan": "1.02.02.2.02.0099", "Nomor Dokumen": "X/1"}
    out = drops.drop(C.write_city_dokumen, "kota.xlsx", extra=[stray])
    assert out.outcome == ingest.REJECTED
    bad = [i for i in out.issues if i.is_error]
    assert len(bad) == 1
    n_rows = sum(len(C.docs_of(s)) for s in C.CITY)
    assert bad[0].excel_row == 5 + n_rows + 1 and bad[0].nilai == "1.02.02.2.02.0099"
    assert C.DISDIK[0] in bad[0].pesan and bad[0].file == "kota.xlsx" and bad[0].kolom == "Kode Sub Kegiatan"
    assert drops.con.execute("SELECT count(*) FROM staging.realisasi_dokumen").fetchone()[0] == 0
    assert drops.con.execute("SELECT count(*) FROM meta.files WHERE berkas = ?", [out.sha256]).fetchone()[0] == 0


def test_skpd_without_dpa_is_a_warning_naming_it(drops):
    other = ("2.07.0.00.0.00.01.0000", "DINAS PERDAGANGAN")
    rows = [r | {"Kode SKPD": other[0], "Nama SKPD": other[1], "Kode Sub SKPD": other[0]} for r in C.docs_of(C.DISDIK)]
    out = drops.drop(C.write_city_dokumen, "kota.xlsx", extra=rows)
    assert out.outcome == ingest.ACCEPTED_WITH_WARNINGS
    warn = [i for i in out.issues if "belum dimuat" in i.pesan]
    assert [i.pesan for i in warn] == [
        f"Renja/DPA {other[0]} tahun 2024 belum dimuat: kode kegiatan di berkas ini belum dapat dicocokkan"]
    assert warn[0].kolom == "Kode SKPD" and warn[0].nilai == other[0]
    # kept with that SKPD's part: its report lists it, the other SKPD's reports do not
    owner = drops.con.execute("SELECT file_sha256 FROM meta.issues WHERE pesan LIKE '%belum dimuat%'").fetchall()
    assert owner == [(f"{out.sha256}/{other[0]}",)]
    from lkip.publish.data import load_issues

    def listed(kode):
        return [r for r in load_issues(drops.con, 2024, kode) if "belum dimuat" in str(r.get("pesan"))]
    assert len(listed(other[0])) == 1 and not listed(C.DISDIK[0])
    assert listed(other[0])[0]["source_file"] == "kota.xlsx"


@pytest.mark.parametrize("fast", [False, True])
def test_row_without_skpd_takes_its_sub_skpd_owner_or_is_rejected(tmp_path, fast):
    docs = C.docs_of(C.DINKES)
    tbp = next(r for r in docs if r["Kode Sub SKPD"] == C.PUSKESMAS[0])
    orphan = tbp | {"Kode SKPD": None, "Nomor Dokumen": "P/1"}                       # its Sub SKPD says Dinkes
    lost = tbp | {"Kode SKPD": "", "Kode Sub SKPD": "9.99.0.00.0.00.01.0001", "Nomor Dokumen": "P/2"}
    path = C.write_city_dokumen(tmp_path / "kota.xlsx", extra=[orphan, lost])
    res = _read(path, fast)
    df = res.tables["realisasi_dokumen"]
    assert df.loc[df["nomor_dokumen"] == "P/1", "kode_skpd"].tolist() == [C.DINKES[0]]
    errors = [i for i in res.issues if i.is_error]
    assert len(errors) == 1 and errors[0].kolom == "Kode SKPD"
    assert errors[0].excel_row == int(df.loc[df["nomor_dokumen"] == "P/2", "excel_row"].iloc[0])
    assert "beberapa Perangkat Daerah" in errors[0].pesan


def test_title_naming_one_skpd_beside_a_column_of_several_is_still_rejected(tmp_path):
    path = C.write_city_dokumen(tmp_path / "kota.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active.cell(4, 1, f"Perangkat Daerah : {C.DINKES[0]} - {C.DINKES[1]}")
    wb.save(path)
    res = R.read(open_workbook(path))
    assert any(i.is_error and "lebih dari satu Perangkat Daerah" in i.pesan for i in res.issues), [i.pesan for i in res.issues]
    assert not res.meta.bagian


def test_city_file_is_listed_for_a_rebuild(tmp_path):
    """The rebuild manifest lists the archived city file once (its parts have no archive of their own)."""
    from lkip import drop

    src = tmp_path / "src"
    C.write_city_drop(src, city_file=True)
    cfg = make_workspace(tmp_path / "ws", sorted(src.glob("*.xlsx")))
    con, outcomes = ingest_folder(cfg)
    con.close()
    paths, strangers = drop.rebuild_paths(cfg)
    city = next(o for o in outcomes if o.path.name.endswith("Kota.xlsx"))
    assert not strangers and str(city.archived_to) in paths and len(paths) == len(outcomes)


# --- the SIPD Register SP2D may come city-wide too (the unit code in Nomor SP2D, the SKPD column) ---

def test_city_register_is_staged_per_skpd_and_reconciled_as_its_own_registers(city_and_singles):
    (con, out), _ = city_and_singles
    reg = out["register_sp2d_kota_2024.xlsx"]
    assert reg.outcome == ingest.ACCEPTED, reg.messages
    parts = con.execute("SELECT kode_skpd, n_rows FROM meta.files WHERE berkas = ? ORDER BY 1", [reg.sha256]).fetchall()
    assert parts == sorted((s[0], len(C.sp2d_of(s))) for s in C.CITY)
    for s in C.CITY:
        got = con.execute("SELECT triwulan, sp2d FROM laporan.rekonsiliasi WHERE kode_skpd = ? AND level = 'skpd' "
                          "ORDER BY triwulan", [s[0]]).fetchall()
        assert [v for _, v in got] == [v * C.FACTOR[s[0]] for v in B.DEFAULT_REGISTER], s[0]


def test_city_register_sp2d_of_no_known_skpd_is_rejected_naming_the_row(tmp_path):
    from lkip.extract import register_sp2d

    stray = {**C.sp2d_of(C.DISDIK)[1], "nomor": "00.00/04.0/000009/LS/M/2/2024", "skpd": "DINAS TANPA KODE"}
    path = B.layouts.write_register(tmp_path / "r.xlsx", C.sp2d_of(C.DINKES) + C.sp2d_of(C.DISDIK) + [stray],
                                    pemda=B.PEMDA, tahun=B.TAHUN, skpd=None, layout="flat")
    res = register_sp2d.read(open_workbook(path))
    errors = [i for i in res.issues if i.is_error]
    assert len(errors) == 1 and errors[0].kolom == "SKPD" and errors[0].nilai == "DINAS TANPA KODE"
    assert errors[0].excel_row == int(res.tables["register_sp2d"]["excel_row"].max())     # the last SP2D
    assert sorted(res.meta.bagian) == sorted([C.DINKES[0], C.DISDIK[0]])


def test_single_register_replaces_only_its_skpd_of_a_city_register(drops):
    """The register's own rule (a newer register of the same SKPD, year and period replaces the
    older), per SKPD: Disdik's register of the same period replaces Disdik's part only."""
    city = drops.drop(C.write_city_register, "register_kota.xlsx")
    fewer = [s for i, s in enumerate(C.sp2d_of(C.DISDIK)) if i != 1]          # same last date, one SP2D less
    single = drops.drop(lambda p: B.layouts.write_register(p, fewer, pemda=B.PEMDA, tahun=B.TAHUN,
                                                           skpd=C.DISDIK, layout="flat"), "register_disdik.xlsx")
    parts = dict(drops.con.execute("SELECT kode_skpd, superseded_by FROM meta.files WHERE berkas = ?",
                                   [city.sha256]).fetchall())
    assert parts == {C.DINKES[0]: None, C.DISDIK[0]: single.sha256, C.DISPERKIM[0]: None}
    msgs = [m for m in single.messages if "menggantikan" in m]
    assert len(msgs) == 1 and f"menggantikan register_kota.xlsx untuk Perangkat Daerah {C.DISDIK[0]}: 5 → 4 baris" in msgs[0]
