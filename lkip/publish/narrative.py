"""Narrative of the report (Ikhtisar Eksekutif, BAB III per IKU) from Jinja2 templates.

The templates live in lkip/templates/ and can be overridden per workspace: a file of the same name in
`<workspace>/templates/` (or the folder named by config key `publish.templates`) wins. A template
renders plain text; paragraphs are separated by a blank line, line breaks inside a paragraph are
joined, so a template can be wrapped freely.
"""

from __future__ import annotations

import functools
import os

import re
from pathlib import Path
from typing import Any

import jinja2

from .data import Table, UnitData, num
from lkip.fmt import format_angka, format_persen, format_rupiah

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

DEFAULT_PREDIKAT = [(90.0, "AA", "Sangat Memuaskan"), (80.0, "A", "Memuaskan"), (70.0, "BB", "Sangat Baik"),
                    (60.0, "B", "Baik"), (50.0, "CC", "Cukup"), (30.0, "C", "Kurang"),
                    (-1e18, "D", "Sangat Kurang")]


# ---- filters -----------------------------------------------------------------------------------

def nilai(value: Any, satuan: str | None = None) -> str:
    """A quantity with its unit as a sentence says it: '65,52 persen', '83,37', '60 Dokumen'."""
    text = format_angka(value)
    if not text:
        return "-"
    s = (satuan or "").strip()
    if s.lower() in ("persen", "%", "prosentase", "persentase"):
        return f"{text} persen"
    if s.lower() in ("", "nilai", "indeks", "skor"):
        return text
    return f"{text} {s}"


def persen_kalimat(value: Any) -> str:
    return format_persen(value, "persen", kosong="-")


def rupiah(value: Any) -> str:
    return format_rupiah(value, kosong="-")


def user_templates(config: Any) -> Path | None:
    """The workspace's template folder (`publish.templates`), only when it lies (links resolved)
    inside the workspace or under a folder of `[security] allowed_roots`; else None, said once."""
    if config is None:
        return None
    workspace = Path(getattr(config, "workspace", ".")).resolve()
    user = (workspace / str(config.get("publish.templates", "templates"))).resolve()
    if not user.is_dir():
        return None
    from lkip.api_guard import allowed_roots

    if any(user == root or root in user.parents for root in [workspace, *allowed_roots(config)]):
        return user
    import logging

    logging.getLogger("lkip.publish").warning(
        "Folder templat %s di luar workspace %s dan di luar [security] allowed_roots: templat bawaan dipakai",
        user, workspace)
    return None


def make_env(config: Any = None) -> jinja2.Environment:
    """Jinja2 in its sandbox (SECURITY.md): a template, even one an attacker wrote, reaches no
    Python internals (`cycler.__init__.__globals__`...), calls no unsafe method and changes no
    object; templates load only from the workspace's folder (see user_templates) and the bundled
    ones. One environment per process for the same folders and the same files in the workspace's
    folder (names and modification times): a template is compiled once, not once per unit, and a
    template added to or changed in the workspace is used at once."""
    dirs: list[str] = []
    user = user_templates(config)
    files: tuple = ()
    if user is not None:
        dirs.append(str(user))
        try:
            files = tuple(sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(user) if e.is_file()))
        except OSError:
            files = (("?", id(config)),)  # unreadable now: no reuse
    dirs.append(str(PACKAGE_TEMPLATES))
    return _env(tuple(dirs), files)


@functools.lru_cache(maxsize=8)
def _env(dirs: tuple[str, ...], _user_files: tuple = ()) -> jinja2.Environment:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=False, default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.ChainableUndefined,
    )
    env.filters.update(angka=format_angka, persen=persen_kalimat, rupiah=rupiah, nilai=nilai,
                       persen_tabel=format_persen)
    return env


def paragraphs(text: str) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = re.sub(r"\s+", " ", block).strip()
        block = re.sub(r"\s+([,.;:])", r"\1", block)
        if block:
            out.append(block)
    return out


# ---- facts -------------------------------------------------------------------------------------

def _predikat(capaian: float | None, config: Any) -> tuple[str, str]:
    scale = None
    if config is not None:
        scale = [(float(s["min"]), s["kode"], s.get("label", "")) for s in config.get("scales.predikat", []) or []]
    for lo, kode, label in scale or DEFAULT_PREDIKAT:
        if capaian is not None and capaian > lo:
            return kode, label
    return "", ""


def _kategori_efisiensi(value: float | None, config: Any) -> str:
    if value is None:
        return ""
    hi = float(config.get("rules.efisiensi.efisien_di_atas", 5.0)) if config is not None else 5.0
    lo = float(config.get("rules.efisiensi.tidak_efisien_di_bawah", -5.0)) if config is not None else -5.0
    return "efisien" if value > hi else "tidak efisien" if value < lo else "cukup efisien"


def status_capaian(capaian: float | None) -> str:
    """terlampaui / tercapai / tidak tercapai, judged on the capaian as displayed (2 decimals)."""
    shown = float(format_angka(capaian, 2).replace(".", "").replace(",", ".") or 0)
    if shown > 100:
        return "terlampaui"
    if shown == 100:
        return "tercapai"
    return "tidak tercapai"


def _level_ok(row: dict[str, Any], wanted: tuple[str, ...]) -> bool:
    for key in ("level", "jenis", "baris", "baris_jenis", "tingkat"):
        if key in row and row[key] not in (None, ""):
            return str(row[key]).lower() in wanted
    return True


def _iku_table(unit: UnitData) -> Table | None:
    for tid in ("tabel_3_1", "tabel_3_1_iku"):
        t = unit.get(tid)
        if t is not None and t.has("indikator", "capaian_pct"):
            return t
    return None


def _match(rows: list[dict[str, Any]], no: Any, indikator: str) -> list[dict[str, Any]]:
    hits = [r for r in rows if no is not None and (r.get("no") == no or r.get("iku_no") == no)]
    if not hits:
        hits = [r for r in rows if indikator and (r.get("indikator") == indikator or r.get("iku") == indikator)]
    return hits


def _years(row: dict[str, Any], tahun: int) -> list[tuple[int, float | None]]:
    out = {}
    for k, v in row.items():
        m = re.fullmatch(r"realisasi(?:_lalu)?_(\d{4})", k)
        if m and int(m[1]) < tahun:
            out[int(m[1])] = num(v)
    return sorted(out.items())


def iku_facts(unit: UnitData, config: Any = None) -> list[dict[str, Any]]:
    t = _iku_table(unit)
    if t is None:
        return []
    renstra = unit.get("tabel_3_renstra")
    efis = unit.get("tabel_3_efisiensi")
    efis_keg = unit.get("tabel_3_efisiensi_kegiatan")
    prog = unit.get("tabel_3_program_ind")
    facts = []
    for r in t.rows:
        if not r.get("indikator") or not _level_ok(r, ("iku", "indikator")):
            continue
        no, ind = r.get("no"), str(r.get("indikator"))
        capaian = num(r.get("capaian_pct"))
        kode, label = r.get("predikat"), r.get("predikat_label")
        if not kode:
            kode, label = _predikat(capaian, config)
        elif not label:
            label = dict((k, lab) for _lo, k, lab in DEFAULT_PREDIKAT).get(kode, "")
        f: dict[str, Any] = {
            "no": no, "sasaran": r.get("sasaran"), "indikator": ind, "satuan": r.get("satuan") or "",
            "polaritas": r.get("polaritas") or "naik", "target": num(r.get("target")),
            "realisasi": num(r.get("realisasi")), "capaian_pct": capaian, "predikat": kode or "",
            "predikat_label": label or "", "status": status_capaian(capaian), "realisasi_lalu": [],
            "tahun_lalu": None, "realisasi_tahun_lalu": None, "tren": None, "target_tahun_ini": num(r.get("target")),
            "tahun_akhir_renstra": None, "target_akhir_renstra": None, "capaian_renstra_pct": None,
            "anggaran": None, "program_ind": [],
        }
        if renstra is not None:
            hit = _match(renstra.rows, no, ind)
            if hit:
                h = hit[0]
                lalu = dict(_years(h, unit.tahun))
                for x in hit:  # long form: one row per earlier year (tahun_lalu, realisasi_lalu)
                    y, v = x.get("tahun_lalu"), num(x.get("realisasi_lalu"))
                    if isinstance(y, int) and y < unit.tahun and v is not None:
                        lalu[y] = v
                f["realisasi_lalu"] = sorted((y, v) for y, v in lalu.items() if v is not None)
                f["tahun_akhir_renstra"] = h.get("tahun_akhir_renstra")
                f["target_akhir_renstra"] = num(h.get("target_akhir_renstra"))
                if num(h.get("target_tahun_ini")) is not None:
                    f["target_tahun_ini"] = num(h.get("target_tahun_ini"))
        if f["realisasi_lalu"]:
            y, v = f["realisasi_lalu"][-1]
            f["tahun_lalu"], f["realisasi_tahun_lalu"] = y, v
            if f["realisasi"] is not None:
                a, b = round(f["realisasi"], 2), round(v, 2)
                f["tren"] = "meningkat" if a > b else "menurun" if a < b else "sama"
        tr, ra = f["target_akhir_renstra"], f["realisasi"]
        if tr and ra is not None:
            f["capaian_renstra_pct"] = (tr / ra * 100 if f["polaritas"] == "turun" and ra else ra / tr * 100)
        if efis is not None:
            hit = [h for h in _match(efis.rows, no, ind) if _level_ok(h, ("iku", "indikator"))]
            if hit:
                h = hit[0]
                keg = _match(efis_keg.rows, no, ind) if efis_keg is not None else []
                if not keg:  # kegiatan rows in the same view
                    keg = [x for x in _match(efis.rows, no, ind) if not _level_ok(x, ("iku", "indikator"))]
                efisiensi = num(h.get("efisiensi_pct"))
                f["anggaran"] = {
                    "pagu": num(h.get("pagu")), "realisasi": num(h.get("realisasi")),
                    "serapan_pct": num(h.get("serapan_pct")), "efisiensi_pct": efisiensi,
                    "kategori_efisiensi": h.get("kategori_efisiensi") or _kategori_efisiensi(efisiensi, config),
                    "jumlah_kegiatan": len(keg), "kegiatan": keg,
                }
        if prog is not None:
            f["program_ind"] = [
                {"indikator_program": p.get("indikator_program") or p.get("indikator"),
                 "satuan": p.get("satuan"), "target": num(p.get("target")),
                 "realisasi": num(p.get("realisasi")), "capaian_pct": num(p.get("capaian_pct"))}
                for p in _match(prog.rows, no, ind)
            ]
        facts.append(f)
    return facts


def _total_row(t: Table | None, *cols: str) -> dict[str, Any] | None:
    if t is None:
        return None
    for r in t.rows:
        lv = str(r.get("level") or "").lower()
        if lv in ("jumlah", "total") or any(str(r.get(c) or "").strip().upper() in ("JUMLAH", "TOTAL") for c in cols):
            return r
    return None


def ringkasan(unit: UnitData, facts: list[dict[str, Any]], config: Any = None) -> dict[str, Any]:
    mean = None
    for tid, t in unit.tables.items():
        if tid.startswith("tabel_3_1") and "rata_rata_capaian_pct" in t.columns:
            for r in t.rows:
                if not r.get("sasaran") and num(r.get("rata_rata_capaian_pct")) is not None:
                    mean = num(r.get("rata_rata_capaian_pct"))
            if mean is not None:
                break
    caps = [f["capaian_pct"] for f in facts if f["capaian_pct"] is not None]
    if mean is None and caps:
        mean = sum(caps) / len(caps)
    kode, label = _predikat(mean, config) if mean is not None else ("", "")
    out: dict[str, Any] = {
        "jumlah_iku": len(facts),
        "jumlah_sasaran": len({f["sasaran"] for f in facts if f["sasaran"]}),
        "rata_rata_capaian_pct": mean, "predikat": kode, "predikat_label": label,
        "terlampaui": [f for f in facts if f["status"] == "terlampaui"],
        "tercapai": [f for f in facts if f["status"] == "tercapai"],
        "tidak_tercapai": [f for f in facts if f["status"] == "tidak tercapai"],
        "pagu": None, "realisasi": None, "serapan_pct": None, "jumlah_program": 0,
    }
    t31 = unit.get("tabel_3_31")
    tot = _total_row(t31, "program", "uraian")
    if tot is not None:
        out.update(pagu=num(tot.get("pagu")), realisasi=num(tot.get("realisasi")), serapan_pct=num(tot.get("persen")))
    else:
        lamp_tot = _total_row(unit.get("lampiran_3"), "uraian")
        if lamp_tot is not None:
            out.update(pagu=num(lamp_tot.get("pagu")), realisasi=num(lamp_tot.get("rp_realisasi")),
                       serapan_pct=num(lamp_tot.get("rp_pct_tertimbang")))
    if out["serapan_pct"] is None and out["pagu"]:
        out["serapan_pct"] = (out["realisasi"] or 0) / out["pagu"] * 100
    if t31 is not None:
        progs = [r for r in t31.rows if r is not tot and r.get("kode")]
        out["jumlah_program"] = len(progs)
        with_pagu = [r for r in progs if num(r.get("pagu"))]
        if with_pagu:
            lo = min(with_pagu, key=lambda r: num(r.get("persen")) or 0)
            hi = max(with_pagu, key=lambda r: num(r.get("persen")) or 0)
            out["serapan_tertinggi"] = {"program": hi.get("program"), "persen": num(hi.get("persen"))}
            out["serapan_terendah"] = {"program": lo.get("program"), "persen": num(lo.get("persen"))}
    return out


def render_narrative(unit: UnitData, config: Any = None) -> dict[str, Any]:
    """{'ikhtisar': [paragraph], 'iku': [{'no', 'judul', 'paragraf': [...]}], 'anggaran': [...], ...}"""
    env = make_env(config)
    facts = iku_facts(unit, config)
    r = ringkasan(unit, facts, config)
    ctx = {"unit": unit, "r": r, "facts": facts}
    iku = []
    for f in facts:
        text = env.get_template("narasi_iku.txt.j2").render(iku=f, **ctx)
        iku.append({"no": f["no"], "judul": f"IKU {f['no']}: {f['indikator']}", "status": f["status"],
                    "paragraf": paragraphs(text)})
    return {
        "ikhtisar": paragraphs(env.get_template("ikhtisar_eksekutif.txt.j2").render(**ctx)),
        "iku": iku,
        "anggaran": paragraphs(env.get_template("narasi_anggaran.txt.j2").render(**ctx)),
        "facts": facts,
        "ringkasan": r,
    }
