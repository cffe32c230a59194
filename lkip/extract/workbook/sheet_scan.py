"""The byte-level scan of one worksheet's XML (``_SheetScan``): its real extent (``max_rows``,
``max_cells``), formula cells without a cached value, error cells, and markup that could fake the
end of the cells. Fed chunk by chunk by :mod:`lkip.extract.workbook.scan`."""

from __future__ import annotations

import re
from typing import Any

from lkip.extract.workbook.errors import MSG_RUSAK, _entity_reject, _Reject, _unsupported_markup
from lkip.extract.workbook.limits import MB
from lkip.extract.workbook.refs import _col_number, col_letters

MAX_CARRY = 32 * MB  # a "row" longer than this without </row> is scanned tag by tag


_DOCTYPE_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
ROOT_PREFIX_RE = re.compile(rb"<(?:([A-Za-z_][\w.\-]*):)?worksheet[\s>/]")
_DIMENSION_RE = re.compile(rb"<(?:[\w.\-]+:)?dimension\b[^>]*\bref\s*=\s*[\"']([^\"']*)[\"']")
_REF_RE = re.compile(rb"^\$?([A-Za-z]{0,4})\$?([0-9]{0,8})$")
_ALL_CELL_REFS = re.compile(rb' r="([A-Z]+)([0-9]+)"')
_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_ATTR_T_ERR = re.compile(rb"""(?:^|\s)t\s*=\s*["']e["']""")
_ATTR_T_STR = re.compile(rb"""(?:^|\s)t\s*=\s*["']str["']""")
_REF_AT = re.compile(rb"([A-Z]+)([0-9]+)\"")


def _greater_alternation(s: str, digits: bool) -> str:
    """Regex alternation matching any token of the same alphabet that sorts above ``s``
    (numbers without leading zeros, or column letters)."""
    cls, top = ("[0-9]", "9") if digits else ("[A-Z]", "Z")
    n = len(s)
    alts = [f"{cls}{{{n + 1},}}"]
    for i, ch in enumerate(s):
        if ch != top:
            rest = f"{cls}{{{n - i - 1}}}" if n - i - 1 else ""
            alts.append(re.escape(s[:i]) + f"[{chr(ord(ch) + 1)}-{top}]" + rest)
    return "|".join(alts)


_GUESS_BYTES = 64 * 1024   # the first rows of a sheet's cells, for _SheetScan._first_extent


def _holds(data: bytes, pair: bytes, start: int = 0) -> bool:
    """Whether ``data[start:]`` holds ``pair`` ('<!', '<?'): its rare second byte is looked for
    first (a byte search through megabytes of XML is slow when the first byte is a '<')."""
    return data.find(pair[1:], start) >= 0 and data.find(pair, start) >= 0


def _matches(data: bytes, pattern: str) -> bool:
    """Whether RE2 (pyarrow; no GIL, linear time) finds ``pattern`` in ``data``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    # the chunk as a one-value Arrow binary array over the same memory (no copy)
    one = pa.Array.from_buffers(pa.large_binary(), 1, [
        None, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data)])
    return bool(pc.match_substring_regex(one, pattern)[0].as_py())


class _SheetScan:
    """Byte-level scan of one worksheet part: extent, formulas without value, error cells.

    The data is processed in chunks cut at ``</row>``. A chunk where every ``<c``/``<row`` tag
    has a plain ``r="..."`` attribute (what Excel and every common writer produce) is handled
    with whole-chunk byte searches (fast path); any other chunk goes through a tag tokenizer that
    numbers rows and cells the way a reader does when ``r`` is missing.
    """

    def __init__(self, member: str, sheet: str | None, limits: dict[str, Any]):
        self.member, self.sheet, self.limits = member, sheet, limits
        self.phase = "head"
        self.p = b""  # namespace prefix incl. colon, e.g. b"x:"
        self.max_row = 0
        self.max_col = 0
        self.formula_no_value: list[tuple[int, int]] = []
        self.errors: list[tuple[int, int, str]] = []
        self.head_parts: list[bytes] = []
        self._odd_key: tuple[int, int] | None = None
        self._odd: re.Pattern[bytes] | None = None
        self._screen_key: tuple[int, int] | None = None
        self._screen = ""
        self.head_len = 0
        # tokenizer state (kept across chunks)
        self.sticky_tokens = False
        self.regular = True   # every cell placed by a plain r="A1" (no chunk went to the tokenizer)
        self.parts: Any = None   # parts.SheetParts when the scan wrote the rows apart
        self.t_row = 0
        self.t_col = 0
        self.t_in_cell = False
        self.t_cell: tuple[int, int] = (0, 0)
        self.t_has_f = self.t_has_v = self.t_is_err = self.t_is_str = False
        self.t_v_start: int | None = None
        self.t_v_text = b""

    # -- limits
    def _check_limits(self) -> None:
        max_rows = int(self.limits["max_rows"])
        if self.max_row > max_rows:
            raise _Reject(
                f"Sheet terlalu besar: {self.max_row} baris, melebihi batas {max_rows} baris",
                sheet=self.sheet, nilai=self.max_row,
            )
        max_cells = int(self.limits["max_cells"])
        if self.max_col > 16384 or self.max_row * self.max_col > max_cells:
            raise _Reject(
                f"Sheet terlalu besar: {self.max_row} baris x {self.max_col} kolom melebihi batas "
                f"{max_cells} sel (periksa sel terisi atau berformat jauh di bawah/kanan data)",
                sheet=self.sheet, nilai=f"{col_letters(min(self.max_col, 10**6))}{self.max_row}",
            )

    def _dimension(self, head: bytes) -> None:
        m = _DIMENSION_RE.search(head)
        if not m:
            return
        last = m.group(1).split(b":")[-1].strip()
        rm = _REF_RE.match(last)
        if rm and rm.group(2):
            rows = int(rm.group(2))
            if rows > int(self.limits["max_rows"]):
                self.max_row = max(self.max_row, rows)
                self._check_limits()

    # -- feeding
    def feed_head(self, buf: bytes) -> int:
        """Consume the part before <sheetData>; returns the offset where data starts or -1."""
        self.head_parts.append(buf)
        self.head_len += len(buf)
        head = b"".join(self.head_parts)
        self.head_parts = [head]
        i = head.find(b"sheetData")
        if i < 0:
            if self.head_len > 16 * MB:
                raise _Reject(f"{MSG_RUSAK} (bagian '{self.member}' tidak berisi data sheet)",
                              sheet=self.sheet)
            return -1
        end = head.find(b">", i)
        if end < 0:
            return -1
        pm = ROOT_PREFIX_RE.search(head, 0, i)
        self.p = (pm.group(1) + b":") if pm and pm.group(1) else b""
        self._dimension(head[:i])
        self._compile()
        if head[end - 1: end] == b"/":  # <sheetData/>: no cells
            self.phase = "tail"
        else:
            self.phase = "data"
        return end + 1

    def _compile(self) -> None:
        p = re.escape(self.p)
        self.end_row = b"</" + self.p + b"row>"
        self.end_data = b"</" + self.p + b"sheetData"
        self.lt_c = b"<" + self.p + b"c"
        self.lt_c_r = b"<" + self.p + b'c r="'
        self.lt_row = b"<" + self.p + b"row"
        self.lt_f = b"<" + self.p + b"f"
        self.formula_no_value_re = re.compile(
            rb"<" + p + rb"c\b([^>]*)>\s*<" + p + rb"f\b(?:[^>]*/>|[^>]*>[^<]*</" + p
            + rb"f>)\s*(?:</" + p + rb"c>|<" + p + rb"is[\s>]|<" + p + rb"extLst[\s>]|(<" + p
            + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>))"
        )
        self.error_cell_re = re.compile(
            rb"<" + p + rb"c\b([^>]*\bt=\"e\"[^>]*)>(?:(?!</" + p + rb"c>).){0,4000}?<" + p
            + rb"v>([^<]*)</" + p + rb"v>",
            re.DOTALL,
        )
        self.token_re = re.compile(
            rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|f|v)(?=[\s/>])([^>]*)>"
        )

    def feed_data(self, chunk: bytes, final: bool) -> bytes:
        """Process complete rows of chunk; return the unprocessed remainder."""
        last_row_end = chunk.rfind(self.end_row)
        stop = chunk.find(self.end_data, max(0, last_row_end))
        if stop >= 0:
            self._process(chunk[:stop], whole_rows=True)
            self.phase = "tail"
            if _holds(chunk, b"<!", stop) and _DOCTYPE_RE.search(chunk, stop):
                raise _entity_reject(self.member)
            if chunk.find(b"sheetData", stop + len(self.end_data)) >= 0:
                raise _unsupported_markup(self.member, self.sheet)   # a second <sheetData>
            return b""
        cut = last_row_end
        if cut >= 0 and not self.sticky_tokens:
            cut += len(self.end_row)
            self._process(chunk[:cut], whole_rows=True)
            return chunk[cut:]
        if final or len(chunk) > MAX_CARRY or self.sticky_tokens:
            cut = len(chunk) if final else chunk.rfind(b">") + 1
            self.sticky_tokens = True  # from now on the tokenizer carries state across chunks
            self._process(chunk[:cut], whole_rows=False)
            return chunk[cut:]
        return chunk

    def _process(self, data: bytes, whole_rows: bool) -> None:
        if not data:
            return
        if whole_rows and not self.sticky_tokens:
            # Rows are normally ascending: the chunk's last cell gives the new maximum row.
            last = data.rfind(self.lt_c_r)
            if last >= 0:
                m = _REF_AT.match(data, last + len(self.lt_c_r))
                if m:
                    self.max_row = max(self.max_row, int(m.group(2)))
            # One RE2 pass over the chunk (pyarrow, no GIL, linear time): nothing to look at
            # when every cell tag starts with a plain r="..." inside the known extent and no cell
            # holds a formula or an error, which is what Excel and common writers produce after
            # the first chunk. Otherwise the chunk goes through the exact byte searches below.
            # (the extent still unknown: every cell would look odd; the guess is tried first)
            if (self.max_col or not self._first_extent(data)) and self._anything_odd(data):
                self._no_markup(data)
                if not self._odd_cell_re().search(data):
                    self._fast(data)
                elif data.count(self.lt_c) == data.count(self.lt_c_r):
                    # every cell is placed by its reference: the exact extent is the largest one
                    refs = _ALL_CELL_REFS.findall(data)
                    if refs:
                        self.max_col = max(self.max_col, max(map(_col_number, {c for c, _ in refs})))
                        self.max_row = max(self.max_row, max(map(int, {r for _, r in refs})))
                    self._fast(data)
                else:
                    self._tokens(data)
            self.t_row = max(self.t_row, self.max_row)
        else:
            self._no_markup(data)
            self._tokens(data)
        self._check_limits()

    def _no_markup(self, data: bytes) -> None:
        """Cell data holds elements and text only. A comment, CDATA section or processing
        instruction could hold the text ``</sheetData>`` (or ``</row>``) and end the scan early,
        letting cells it never saw through to the readers: no writer puts them there."""
        if _holds(data, b"<!") or _holds(data, b"<?"):
            raise _unsupported_markup(self.member, self.sheet)

    def _anything_odd(self, data: bytes) -> bool:
        """Whether ``data`` may hold a cell outside the known extent, a cell without a plain
        ``r="A1"`` reference, a formula, an error cell, or a comment, CDATA section or processing
        instruction (``<!``, ``<?``) (RE2 through pyarrow; no false negative with respect to
        ``_odd_cell_re``, ``_fast`` and ``_no_markup``)."""
        key = (self.max_col, self.max_row)
        if key != self._screen_key:
            p = re.escape(self.p.decode("ascii", "replace"))
            cols = _greater_alternation(col_letters(self.max_col), False) if self.max_col else "[A-Z]+"
            rows = _greater_alternation(str(self.max_row), True) if self.max_row else "[0-9]+"
            # One literal first byte ('<') for RE2's prefix search: an odd cell tag, an error cell
            # (what error_cell_re looks for) or a formula (what formula_no_value_re looks for).
            self._screen = (
                f'<(?:[!?]|{p}(?:c(?:[^ ]| [^r]| r[^=]| r=[^"]| r="[^A-Z]| r="[A-Z]+[^A-Z0-9]'
                f'| r="(?:{cols})[0-9]| r="[A-Z]+[0-9]+[^0-9"]| r="[A-Z]+(?:{rows})"'
                f'|(?: (?:r(?:=(?:"[A-Z]*[0-9]*)?)?)?)?$'     # a tag cut by the end of the chunk
                f'|[^>]*t="e")|f))'
            )
            self._screen_key = key
        return _matches(data, self._screen)

    def _first_extent(self, data: bytes) -> bool:
        """The first chunk with cells, when the extent is not known yet (every cell would look
        odd to the screen): the largest reference of the chunk's first rows is a guess, and when
        the screen with that guess finds nothing odd and no ``r="..."`` of the chunk lies beyond
        it (two RE2 passes), the guess is the chunk's exact extent, the one ``_process`` would
        take from every reference (``_ALL_CELL_REFS``) in Python. False (the extent unchanged)
        when the guess does not hold: the exact path decides."""
        if self.max_col:
            return False
        refs = _ALL_CELL_REFS.findall(data, 0, min(len(data), _GUESS_BYTES))
        if not refs:
            return False
        known = (self.max_col, self.max_row)
        self.max_col = max(map(_col_number, {c for c, _ in refs}))
        self.max_row = max(self.max_row, max(map(int, {r for _, r in refs})))
        if self._anything_odd(data) or _matches(data, (
                ' r="(?:(?:' + _greater_alternation(col_letters(self.max_col), False) + ')[0-9]+'
                + '|[A-Z]+(?:' + _greater_alternation(str(self.max_row), True) + '))"')):
            self.max_col, self.max_row = known
            return False
        return True

    def _odd_cell_re(self) -> re.Pattern[bytes]:
        key = (self.max_col, self.max_row)
        if key != self._odd_key:
            cols = _greater_alternation(col_letters(self.max_col), False) if self.max_col else (
                "[A-Z]+")
            rows = _greater_alternation(str(self.max_row), True) if self.max_row else (
                "[0-9]+")
            self._odd = re.compile(
                b"<" + re.escape(self.p) + b"c"
                + f'(?! r="(?!(?:{cols})[0-9])[A-Z]+(?!(?:{rows})")[0-9]+")'.encode()
            )
            self._odd_key = key
        return self._odd

    def _fast(self, data: bytes) -> None:
        """Formula cells without a cached value and error cells of a regular chunk."""
        if self.lt_f in data:
            for m in self.formula_no_value_re.finditer(data):
                ref = _ATTR_R.search(m.group(1))
                if ref and not (m.group(2) and _ATTR_T_STR.search(m.group(1))):
                    self.formula_no_value.append((int(ref.group(2)), _col_number(ref.group(1))))
        if b't="e"' in data:
            for m in self.error_cell_re.finditer(data):
                ref = _ATTR_R.search(m.group(1))
                if ref:
                    self.errors.append((int(ref.group(2)), _col_number(ref.group(1)),
                                        m.group(2).decode("utf-8", "replace")))

    def _tokens(self, data: bytes) -> None:
        self.regular = False
        for m in self.token_re.finditer(data):
            closing, name, attrs = m.group(1), m.group(2), m.group(3)
            selfclose = attrs.endswith(b"/")
            if name == b"c":
                if closing:
                    self._end_cell()
                    continue
                if self.t_in_cell:
                    self._end_cell()
                ref = _ATTR_R.search(attrs)
                if ref and ref.group(1):
                    self.t_col = _col_number(ref.group(1))
                    if ref.group(2):
                        self.t_row = int(ref.group(2))
                else:
                    self.t_col += 1
                self.max_col = max(self.max_col, self.t_col)
                self.max_row = max(self.max_row, self.t_row)
                self.t_cell = (self.t_row, self.t_col)
                self.t_has_f = self.t_has_v = False
                self.t_v_text = b""
                self.t_is_err = bool(_ATTR_T_ERR.search(attrs))
                self.t_is_str = bool(_ATTR_T_STR.search(attrs))
                self.t_in_cell = not selfclose
            elif name == b"row":
                if closing:
                    if self.t_in_cell:
                        self._end_cell()
                    continue
                ref = _ATTR_R.search(attrs)
                self.t_row = int(ref.group(2)) if ref and ref.group(2) else self.t_row + 1
                self.t_col = 0
                self.max_row = max(self.max_row, self.t_row)
            elif self.t_in_cell and not closing:
                if name == b"f":
                    self.t_has_f = True
                else:
                    self.t_has_v = True
                    self.t_v_start = None if selfclose else m.end()
                    self.t_v_text = b""
            elif self.t_in_cell and closing and name == b"v" and self.t_v_start is not None:
                self.t_v_text = data[self.t_v_start: m.start()]
                self.t_v_start = None
            if self.t_row * max(self.t_col, 1) > int(self.limits["max_cells"]) or (
                self.t_row > int(self.limits["max_rows"])
            ):
                self._check_limits()

    def _end_cell(self) -> None:
        if self.t_has_f and (not self.t_has_v or (not self.t_v_text.strip()
                                                 and not self.t_is_str)):
            self.formula_no_value.append(self.t_cell)
        if self.t_is_err and self.t_has_v:
            self.errors.append((*self.t_cell, self.t_v_text.decode("utf-8", "replace")))
        self.t_in_cell = False
