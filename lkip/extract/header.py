"""Find a table in a sheet: title block, header row(s), column map, data rows.

A source's layout is data (in the spirit of PUDL's column maps): ``columns/<kind>.csv`` lists,
per canonical field, keyword rules matched against the normalised header text. A rule matches a
header when all its keywords are among the header's tokens and none of its ``exclude`` tokens is;
the most specific rule (most keywords) wins. A new export layout is a CSV edit, not new code.

(Over 500 lines: the header search, its memos and the title block are one unit every reader uses.)
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from lkip.extract.base import FileMeta
from lkip.extract.parse import ROMAN, find_date_in_text, parse_triwulan, quarter_of

COLUMNS_DIR = Path(__file__).with_name("columns")
HEADER_SCAN_ROWS = 30

_ROMAN_AFTER_TW = re.compile(r"\b(tw|triwulan|trw|tri wulan)\s*(iv|iii|ii|i|[1-4])\b")


def normalize_header(value: Any) -> str:
    """Lower case, '%' as a word, punctuation to spaces, 'Triwulan IV' -> 'tw 4'."""
    if value is None:
        return ""
    try:
        return _normalize_cached(value)
    except TypeError:  # an unhashable cell value
        return _normalize(value)


@lru_cache(maxsize=65536, typed=True)   # 1, 1.0 and True: one key, three texts
def _normalize_cached(value: Any) -> str:
    return _normalize(value)


def _normalize(value: Any) -> str:
    text = str(value).lower().replace("%", " persen ").replace("\n", " ")
    text = re.sub(r"[^0-9a-z]+", " ", text)
    text = re.sub(r"\s+", " ", text).strip()

    def _tw(m: re.Match[str]) -> str:
        tok = m.group(2)
        return f"tw {ROMAN.get(tok, tok)}"

    return _ROMAN_AFTER_TW.sub(_tw, text)


@dataclass(frozen=True)
class Rule:
    field: str
    keywords: tuple[str, ...]
    exclude: frozenset[str]
    required: bool
    keyword_set: frozenset[str] = frozenset()   # the keywords as a set (filled in below)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyword_set", frozenset(self.keywords))

    def score(self, tokens: tuple[str, ...], present: frozenset[str], text: str) -> int:
        """``present``: the tokens as a set (most rules fail on it, before the ordered check)."""
        if not self.keywords or not self.keyword_set <= present or not self.exclude.isdisjoint(present):
            return 0
        if not _contains_in_order(tokens, self.keywords):
            return 0
        exact = 100 if " ".join(self.keywords) == text else 0
        return 10 * len(self.keywords) + exact


def _contains_in_order(tokens: tuple[str, ...], keywords: tuple[str, ...]) -> bool:
    """All keywords present, in that order (not necessarily adjacent)."""
    it = iter(tokens)
    return all(any(k == t for t in it) for k in keywords)


_TEXT_MEMO = 50_000   # header texts remembered per column map (ColumnMap._scores)


@dataclass(frozen=True)
class ColumnMap:
    kind: str
    rules: tuple[Rule, ...]

    @property
    def required(self) -> set[str]:
        return {r.field for r in self.rules if r.required}

    @property
    def fields(self) -> list[str]:
        seen: list[str] = []
        for r in self.rules:
            if r.field not in seen:
                seen.append(r.field)
        return seen

    def match(self, headers: list[str]) -> dict[str, int]:
        """field -> column index (0-based), each column and field used once, best score first."""
        # Detection tries every kind's map on the same header rows, and the reader tries its own
        # again: each (map, header texts) is matched once.
        return dict(self._match(tuple(headers)))

    def __hash__(self) -> int:
        # the dataclass's hash (of kind and rules), computed once: ``_match``'s cache hashes the
        # map at every lookup, and hashing every Rule each time cost more than the lookup saved
        h = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.kind, self.rules))
            object.__setattr__(self, "_hash", h)
        return h

    @property
    def by_token(self) -> dict[str, tuple[Rule, ...]]:
        """The rules by their first keyword: a rule can only match a header holding that token,
        so a header is scored against the rules of its own tokens, not against every rule."""
        index = self.__dict__.get("_by_token")
        if index is None:
            grouped: dict[str, list[Rule]] = {}
            for rule in self.rules:
                if rule.keywords:
                    grouped.setdefault(rule.keywords[0], []).append(rule)
            index = {k: tuple(v) for k, v in grouped.items()}
            object.__setattr__(self, "_by_token", index)
        return index

    def _scores(self, text: str) -> tuple[tuple[int, str], ...]:
        """(score, field) of every rule that matches one header text; the same texts come back
        in every file of a layout (and in every row the detection tries), so they are memoised."""
        memo = self.__dict__.get("_text_scores")
        if memo is None:
            memo = {}
            object.__setattr__(self, "_text_scores", memo)
        got = memo.get(text)
        if got is None:
            by_token = self.by_token
            tokens = tuple(text.split())
            present = frozenset(tokens)
            got = tuple((s, rule.field) for rule in (r for t in present if t in by_token for r in by_token[t])
                        if (s := rule.score(tokens, present, text)))
            if len(memo) >= _TEXT_MEMO:
                memo.clear()
            memo[text] = got
        return got

    @lru_cache(maxsize=4096)
    def _match(self, headers: tuple[str, ...]) -> dict[str, int]:
        candidates = []
        for col, text in enumerate(headers):
            if not text:
                continue
            for s, fld in self._scores(text):
                candidates.append((s, -col, fld, col))
        candidates.sort(reverse=True)
        out: dict[str, int] = {}
        used: set[int] = set()
        for _s, _c, fld, col in candidates:
            if fld in out or col in used:
                continue
            out[fld] = col
            used.add(col)
        return out


@lru_cache(maxsize=None)
def load_column_map(name: str | Path) -> ColumnMap:
    """Read ``columns/<name>.csv`` (field,keywords,exclude,required); a ``Path`` is read as it is
    (a source kind kept outside the package, e.g. a test's toy kind)."""
    path = name if isinstance(name, Path) else COLUMNS_DIR / f"{name}.csv"
    rules = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            kw = tuple(normalize_header(row["keywords"]).split())
            ex = frozenset(normalize_header(row.get("exclude") or "").split())
            req = (row.get("required") or "").strip().lower() in ("yes", "ya", "true", "1")
            rules.append(Rule(row["field"].strip(), kw, ex, req))
    return ColumnMap(name if isinstance(name, str) else path.stem, tuple(rules))


@dataclass
class Header:
    row: int                       # 0-based index of the (last) header row in sheet.rows
    n_rows: int                    # 1 or 2
    texts: list[str]               # normalised header text per column (group + sub-label)
    printed: list[str]             # header text as printed, for messages
    columns: dict[str, int]        # field -> column index
    missing: set[str] = field(default_factory=set)

    @property
    def first_data_row(self) -> int:
        return self.row + 1

    @property
    def excel_row(self) -> int:
        return self.row + 1


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _combine(top: list[Any], sub: list[Any]) -> tuple[list[str], list[str]]:
    """A group label over sub-labels: carry the group label right across its merged span."""
    texts, printed = [], []
    group = ""
    for j in range(len(top)):
        t, s = _cell_text(top[j]), _cell_text(sub[j]) if j < len(sub) else ""
        if t:
            group = t
        elif not s:
            group = ""
        label_group = t or (group if s else "")
        full = f"{label_group} {s}".strip() if s and label_group != s else (label_group or s)
        printed.append(full)
        texts.append(normalize_header(full))
    return texts, printed


def _header_options(row: list[Any], nxt: list[Any] | None) -> tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...]:
    """The header texts a row gives alone (n=1) and combined with the next row (n=2). Detection
    asks every kind's map about the same rows: the texts are made once per pair of rows."""
    try:
        return _header_options_cached(_typed(row), None if nxt is None else _typed(nxt))
    except TypeError:  # an unhashable cell value
        return _header_options_of(row, nxt)


def _typed(row: Any) -> tuple[tuple[type, Any], ...]:
    """A row as a memo key: each cell with its type (1, 1.0 and True are equal keys, but read
    '1', '1 0' and 'true')."""
    return tuple((v.__class__, v) for v in row)


def _header_options_of(row: Any, nxt: Any) -> tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...]:
    out = [(1, tuple(normalize_header(v) for v in row), tuple(_cell_text(v) for v in row))]
    if nxt is not None:
        texts, printed = _combine(list(row), list(nxt))
        out.append((2, tuple(texts), tuple(printed)))
    return tuple(out)


@lru_cache(maxsize=2048)
def _header_options_cached(row: tuple[tuple[type, Any], ...], nxt: tuple[tuple[type, Any], ...] | None):
    return _header_options_of([v for _t, v in row], None if nxt is None else [v for _t, v in nxt])


def find_header(rows: list[list[Any]], cmap: ColumnMap, scan: int = HEADER_SCAN_ROWS) -> Header | None:
    """The header row (or two-row merged header) in the first ``scan`` rows that best fits the map.

    Detection (each kind's exact score), the reader (its sheets, then its table) and the naming of
    cells (lkip.cells) ask the same map about the same top of a sheet, four or five times a file:
    the answer depends only on the first ``scan + 1`` rows, so it is found once for them (each
    cell keyed with its type: 1, 1.0 and True read differently) and each caller gets a copy."""
    try:
        key = tuple(_typed(r) for r in rows[:scan + 1])
        found = _find_header_cached(key, cmap, scan)
    except TypeError:   # an unhashable cell value
        found = _find_header(rows, cmap, scan)
    if found is None:
        return None
    return Header(found.row, found.n_rows, list(found.texts), list(found.printed), dict(found.columns),
                  set(found.missing))


@lru_cache(maxsize=512)
def _find_header_cached(key: tuple[tuple[tuple[type, Any], ...], ...], cmap: ColumnMap, scan: int) -> Header | None:
    return _find_header([[v for _t, v in r] for r in key], cmap, scan)


def _find_header(rows: Any, cmap: ColumnMap, scan: int) -> Header | None:
    best: tuple[tuple[int, int], Header] | None = None
    limit = min(scan, len(rows))
    required = cmap.required
    for i in range(limit):
        row = rows[i]
        if sum(1 for v in row if isinstance(v, str) and v.strip()) < 2:
            continue
        for n, texts, printed in _header_options(row, rows[i + 1] if i + 1 < len(rows) else None):
            cols = cmap.match(list(texts))
            if not required <= cols.keys():
                continue
            score = (len(cols), -n)  # more fields matched; on a tie, the single row
            if best is None or score > best[0]:
                best = (score, Header(i + n - 1, n, list(texts), list(printed), cols))
    if best is None:
        return None
    hdr = best[1]
    hdr.missing = set(cmap.fields) - hdr.columns.keys()
    return hdr


def best_header_guess(rows: list[list[Any]], cmap: ColumnMap) -> tuple[int, set[str]]:
    """For the error message when no header fits: the row that came closest and what it lacked."""
    best_row, best_missing = 0, set(cmap.required)
    for i in range(min(HEADER_SCAN_ROWS, len(rows))):
        for texts in ([normalize_header(v) for v in rows[i]],
                      _combine(rows[i], rows[i + 1])[0] if i + 1 < len(rows) else []):
            missing = cmap.required - cmap.match(texts).keys()
            if len(missing) < len(best_missing):
                best_row, best_missing = i, missing
    return best_row, best_missing


# ---------------------------------------------------------------------------------------------
# Title block
# ---------------------------------------------------------------------------------------------

_TAHUN = re.compile(r"\btahun(?:\s+anggaran)?\s*:?\s*(\d{4})\b", re.IGNORECASE)
_SKPD = re.compile(
    r"(?:perangkat\s+daerah|skpd|opd|unit\s+organisasi|organisasi)\s*:?\s*"
    r"((?:\d+\s*\.\s*)*\d+)\s*[-–:]?\s*(.*)$",
    re.IGNORECASE,
)
_PERIODE = re.compile(r"periode\s*:?\s*(.+)$", re.IGNORECASE)


def title_lines(rows: list[list[Any]], upto: int) -> list[str]:
    out = []
    for row in rows[:upto]:
        texts = [_cell_text(v) for v in row if _cell_text(v)]
        if texts:
            out.append(" ".join(texts))
    return out


def read_title_meta(lines: list[str]) -> FileMeta:
    meta = FileMeta()
    for line in lines:
        if meta.kode_skpd is None:
            m = _SKPD.search(line)
            if m:
                meta.kode_skpd = re.sub(r"\s+", "", m.group(1))
                meta.nama_skpd = m.group(2).strip() or None
        m = _PERIODE.search(line)
        if m:
            dates = find_date_in_text(m.group(1))
            if dates:
                meta.periode_akhir = dates[-1]
                if len(dates) > 1:
                    meta.periode_awal = dates[0]
        if meta.tahun is None:
            m = _TAHUN.search(line)
            if m:
                meta.tahun = int(m.group(1))
        if meta.s_d_triwulan is None and re.search(r"s\.?\s*d\.?\s*(triwulan|tw)", line, re.I):
            meta.s_d_triwulan = parse_triwulan(line)
        up = line.upper()
        if "PERUBAHAN" in up and ("RENCANA KERJA" in up or "DOKUMEN PELAKSANAAN" in up or "RENJA" in up or "DPA" in up):
            meta.is_perubahan = True
    if meta.periode_akhir is not None:
        if meta.tahun is None:
            meta.tahun = meta.periode_akhir.year
        if meta.s_d_triwulan is None:
            meta.s_d_triwulan = quarter_of(meta.periode_akhir)
    return meta


# ---------------------------------------------------------------------------------------------
# Data rows
# ---------------------------------------------------------------------------------------------

_SIGNATURE = [
    re.compile(r"^nip\b", re.I),
    re.compile(r"^[A-Za-z .'-]+,\s*\d{1,2}\s+[A-Za-z]+\s+\d{4}$"),  # Bekasi, 15 Januari 2021
    re.compile(r"^(pembina|penata|pengatur|juru)\b", re.I),
    re.compile(r"^(mengetahui|menyetujui|disetujui|dibuat oleh|diperiksa)", re.I),
]
_TOTAL = re.compile(
    r"^(sub\s*|grand\s*)?(jumlah|total)(\s+(total|keseluruhan|seluruhnya|belanja|skpd))?\s*:?$",
    re.I,
)


def is_total_label(value: Any) -> bool:
    return isinstance(value, str) and bool(_TOTAL.match(value.strip()))


def is_signature_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = value.strip()
    return any(p.search(text) for p in _SIGNATURE)


@dataclass
class DataRow:
    excel_row: int
    values: dict[str, Any]         # field -> raw cell value
    raw: list[Any]
    is_total: bool = False


def total_label_row(row: list[Any], values: dict[str, Any],
                    key_fields: Iterable[str], label_fields: Iterable[str]) -> bool:
    """Is this a JUMLAH/TOTAL row? A total label counts only where a label is printed.

    A row that holds a key (a code, an SP2D number, an indicator: ``key_fields``) is data, whatever
    other cells say (``Cara Hitung: Jumlah``, satuan ``Jumlah``). Otherwise the label counts in a
    label column (``label_fields``: code, name, No), or as the first non-empty cell of the row (a
    merged ``JUMLAH`` over the first columns).
    """
    for f in key_fields:
        v = values.get(f)
        if v is not None and not (isinstance(v, str) and not v.strip()) and not is_total_label(v):
            return False
    if any(is_total_label(values.get(f)) for f in label_fields):
        return True
    for v in row:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        return is_total_label(v)
    return False


def iter_data_rows(rows: list[list[Any]], header: Header, text_fields: set[str],
                   key_fields: Iterable[str] = (), label_fields: Iterable[str] = ()) -> Iterator[DataRow]:
    """Data rows below the header: blank rows, repeated headers and signature blocks skipped.

    A JUMLAH/TOTAL row is yielded with ``is_total`` so the reader can check it, then skip it; which
    rows are totals is decided by :func:`total_label_row` with the reader's ``key_fields`` (a
    filled one makes the row data) and ``label_fields`` (where a total label is printed).
    Everything after the signature block starts is footer.
    """
    cols = header.columns
    key_fields = tuple(key_fields)
    label_fields = tuple(label_fields)
    header_texts = header.texts
    n_header_rows = header.n_rows
    i = header.first_data_row
    in_footer = False
    # Spotting a repeated header normalises only what can match: cells under a header text, and
    # (when every header text has a letter) only text/bool cells, since a number or a date
    # normalises to digits alone. Texts seen before come from a bounded memo.
    hdr_pos = [j for j, h in enumerate(header_texts) if h]
    letter_headers = all(any(ch.isalpha() for ch in header_texts[j]) for j in hdr_pos)
    memo: dict[tuple[type, Any], str] = {}
    while i < len(rows):
        row = rows[i]
        i += 1
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
            continue
        # A page-break repeat of the header (one or two rows).
        if n_header_rows == 1:
            # ``filled`` is implied: a repeat needs at least two non-empty matches.
            norm = [""] * len(row)
            width = len(row)
            for j in hdr_pos:
                if j >= width:
                    break
                v = row[j]
                if v is None or (letter_headers and not isinstance(v, (str, bool))):
                    continue
                key = (v.__class__, v)
                t = memo.get(key)
                if t is None:
                    t = normalize_header(v)
                    if len(memo) < 100_000:
                        memo[key] = t
                norm[j] = t
            repeats = _repeats_header(norm, rows, i - 1, header_texts, n_header_rows)
        else:
            repeats = _repeats_header([], rows, i - 1, header_texts, n_header_rows) and any(
                normalize_header(v) for v in row)
        if repeats:
            if n_header_rows == 2:
                i += 1
            continue
        # A row of column numbers under the header ("1 2 3 4 ...") is a print artefact.
        if _is_column_number_row(row):
            continue
        values = {f: row[c] if c < len(row) else None for f, c in cols.items()}
        non_empty = [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]
        if in_footer or (len(non_empty) <= 2 and all(isinstance(v, str) for v in non_empty)
                         and any(is_signature_text(v) for v in non_empty)):
            in_footer = True
            continue
        if len(non_empty) == 1 and isinstance(non_empty[0], str):
            # A lone text in a column that is not a text field of the table: a signature line
            # (jabatan, name) that matched no pattern.
            col = next(j for j, v in enumerate(row) if v is non_empty[0])
            if col not in {cols[f] for f in text_fields if f in cols}:
                continue
        total = (any(is_total_label(v) for v in non_empty if isinstance(v, str))
                 and total_label_row(row, values, key_fields, label_fields))
        yield DataRow(excel_row=i, values=values, raw=row, is_total=total)


def _repeats_header(norm: list[str], rows: list[list[Any]], idx: int, header_texts: list[str], n: int) -> bool:
    if n == 1:
        same = sum(1 for a, b in zip(norm, header_texts) if a and a == b)
        return same >= max(2, sum(1 for t in header_texts if t) // 2)
    if idx + 1 >= len(rows):
        return False
    return _combined_repeats(rows[idx], rows[idx + 1], header_texts)


def _combined_repeats(top: list[Any], sub: list[Any], header_texts: list[str]) -> bool:
    """Whether two rows combined as a two-row header (the texts of ``_combine``) equal
    ``header_texts`` in at least half its labelled columns (and 2): what ``_combine`` then a
    count would answer, without the printed texts, stopping once the columns left cannot make
    it (every data row under a two-row header is asked)."""
    need = max(2, sum(1 for t in header_texts if t) // 2)
    width = min(len(top), len(header_texts))
    left = sum(1 for t in header_texts[:width] if t)
    if left < need:
        return False
    same = 0
    group = ""
    n_sub = len(sub)
    for j in range(width):
        t, s = _cell_text(top[j]), _cell_text(sub[j]) if j < n_sub else ""
        if t:
            group = t
        elif not s:
            group = ""
        h = header_texts[j]
        if not h:
            continue
        left -= 1
        label_group = t or (group if s else "")
        full = f"{label_group} {s}".strip() if s and label_group != s else (label_group or s)
        if full and normalize_header(full) == h:
            same += 1
            if same >= need:
                return True
        elif same + left < need:
            return False
    return False


def _is_column_number_row(row: list[Any]) -> bool:
    nums = [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]
    if len(nums) < 4:
        return False
    try:
        ints = [int(str(v).strip().strip("()")) for v in nums]
    except ValueError:
        return False
    return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] in (0, 1)


def as_date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
