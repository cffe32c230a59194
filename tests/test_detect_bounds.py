"""Detection scores exactly only the kinds that could still win (``detect._best``): every bound
is at least the exact score, and the kind found is the one scoring every reader on every sheet
finds (the loop detection ran before), on the bundled examples and on workbooks that mix their
sheets."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from lkip import sources
from lkip.extract import detect as det
from lkip.extract.sheets import score_bounds, visible_sheets
from tests.xlsx_builders import open_test_workbook, write_xlsx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*/input/**/*.xlsx"))


def _every_pair(sheets):
    """The detection loop before bounds: every reader on every sheet, an earlier reader wins a tie."""
    best = None
    for order, mod in enumerate(sources.readers()):
        for sheet in sheets:
            try:
                score = int(mod.matches(sheet) or 0)
            except Exception:  # noqa: BLE001
                score = 0
            if score > 0 and (best is None or (score, -order) > (best[0], -best[1])):
                best = (score, order, mod)
    return best


def _rows(path: Path) -> list[tuple[str, list[list]]]:
    wb = open_test_workbook(path)
    return [(s.name, [list(r) for r in s.rows]) for s in wb.visible_sheets]


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mixed")
    books = list(EXAMPLES)
    sheets = [(f"{p.stem[:20]}_{i}", rows) for p in EXAMPLES for i, (_n, rows) in enumerate(_rows(p))]
    # two and three sheets of different kinds in one workbook, in both orders; a title alone;
    # a header alone (the title rows blanked)
    for k, combo in enumerate(itertools.permutations(sheets[:6], 2)):
        books.append(write_xlsx(tmp / f"mix{k}.xlsx", list(combo)))
    books.append(write_xlsx(tmp / "three.xlsx", sheets[2:5]))
    for k, (name, rows) in enumerate(sheets[:6]):
        books.append(write_xlsx(tmp / f"title{k}.xlsx", [(name, rows[:4])]))
        books.append(write_xlsx(tmp / f"header{k}.xlsx", [(name, [[None] * len(r) if i < 5 else r
                                                                   for i, r in enumerate(rows[:40])])]))
    return books


def test_examples_are_there():
    assert len(EXAMPLES) >= 5


def test_every_bound_is_at_least_the_exact_score(workbooks):
    for path in workbooks:
        for sheet in visible_sheets(open_test_workbook(path)):
            for mod in sources.readers():
                exact = det._score(mod, sheet)
                with score_bounds():
                    bound = det._score(mod, sheet)
                assert bound >= exact, (path.name, sheet.name, mod.kind, bound, exact)


def test_the_kind_found_is_the_one_every_pair_scored_finds(workbooks):
    kinds = set()
    for path in workbooks:
        sheets = visible_sheets(open_test_workbook(path))
        want, got = _every_pair(sheets), det._best(sheets)
        assert (want and (want[0], want[2].kind)) == (got and (got[0], got[2].kind)), path.name
        kinds.add(got and got[2].kind)
    assert len(kinds) >= 5            # the mix covers several kinds (and maybe no kind)
