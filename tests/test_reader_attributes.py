"""Per-kind decisions that are Reader attributes (lkip.extract.reader), not lists elsewhere: which
rows of a new file carry the codes a replacement compares (``replacement_rows``), and which blank
input templates a kind offers (``templates``, the words of ``lkip template``)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from lkip import cli, replacement, sources
from lkip.extract import lra
from lkip.extract.templates import write_template


def test_replacement_rows_are_the_frame_side_of_the_sql_condition():
    with_rows = [r for r in sources.readers() if r.replacement_rows is not None]
    assert [r.kind for r in with_rows] == ["renja"]
    for r in with_rows:
        column, value = r.replacement_rows
        assert r.replacement_codes is not None and r.replacement_codes[2] == f"{column} = '{value}'"


def test_new_codes_follow_the_readers_replacement_rows(monkeypatch):
    frame = pd.DataFrame({"baris_jenis": ["program", "kegiatan", "rekening"],
                          "kode_kegiatan": ["4.01", "4.01.01", "4.01.01 "]})
    assert replacement._new_codes("lra", {"lra": frame}) == {"4.01", "4.01.01"}
    only = dataclasses.replace(lra.READER, replacement_rows=("baris_jenis", "kegiatan"))
    monkeypatch.setattr(sources, "READERS", tuple(only if r.kind == "lra" else r for r in sources.READERS))
    assert replacement._new_codes("lra", {"lra": frame}) == {"4.01.01"}
    renja = pd.DataFrame({"baris_jenis": ["program", "kegiatan", "indikator"], "kode": ["1", "1.01", "1.01"]})
    assert replacement._new_codes("renja", {"renja": renja}) == {"1.01"}


def test_template_words_come_from_the_readers(tmp_path, monkeypatch):
    assert cli.template_kinds() == {"realisasi-fisik": "realisasi_fisik", "realisasi-fisik-sipd": "realisasi_fisik_sipd",
                                    "pk-iku": "pk_iku"}   # the SIPD-era form too (issue 12)
    for word in cli.template_kinds():
        assert write_template(word, tmp_path / f"{word}.xlsx").exists()
    toy = dataclasses.replace(lra.READER, kind="toy", templates=("toy-form",))
    monkeypatch.setattr(sources, "READERS", (*sources.READERS, toy))
    assert cli.template_kinds()["toy-form"] == "toy_form"
