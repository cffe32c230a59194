"""How the layout fuzzer prints one value: numbers as numeric cells or Indonesian text, codes with
SIMDA spaces or trailing dots, dates as Excel dates or text, header case/spacing variants."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember"]



def _groups(q: Decimal) -> str:
    s = f"{abs(int(q)):,}".replace(",", ".")
    cents = abs(q) - abs(int(q))
    return s + (f",{int(cents * 100):02d}" if cents else "")


def money_cell(v: Decimal | None, rng: random.Random, mode: str, zero_dash: bool = True) -> Any:
    if v is None:
        return None
    if mode == "numeric" or (mode == "mixed" and rng.random() < 0.5):
        return int(v) if v == int(v) else float(v)
    if v == 0 and zero_dash and rng.random() < 0.5:
        return "-"
    text = _groups(v)
    style = rng.randrange(4)
    if style == 1:
        text += ",00" if "," not in text else ""
    elif style == 2:
        text = "Rp " + text
    if v < 0:
        text = f"({text})" if rng.random() < 0.5 else "-" + text
    return text


def number_cell(v: float | None, rng: random.Random, mode: str) -> Any:
    if v is None:
        return None
    if mode == "numeric" or (mode == "mixed" and rng.random() < 0.5):
        return int(v) if float(v).is_integer() else v
    if float(v).is_integer():
        return _groups(Decimal(int(v)))
    whole, _, frac = repr(float(v)).partition(".")
    return _groups(Decimal(whole)) + "," + frac


def percent_cell(v: float | None, rng: random.Random, mode: str) -> Any:
    if v is None or mode == "numeric" or (mode == "mixed" and rng.random() < 0.5):
        return v
    text = number_cell(v, rng, "text")
    return f"{text}%" if rng.random() < 0.5 else text


def code_cell(v: str | None, rng: random.Random, mode: str) -> Any:
    if v is None:
        return None
    m = mode if mode != "mixed" else rng.choice(["plain", "simda", "trailing", "stray"])
    if m == "simda":
        return " . ".join(v.split("."))
    if m == "trailing":
        return v + "."
    if m == "stray":
        return f" {v} "
    return v


def date_cell(v: dt.date | None, rng: random.Random, mode: str) -> Any:
    if v is None:
        return None
    m = mode if mode != "mixed" else rng.choice(["excel", "slash", "long", "dash"])
    if m == "slash":
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    if m == "dash":
        return f"{v.day:02d}-{v.month:02d}-{v.year}"
    if m == "long":
        return f"{v.day} {BULAN[v.month - 1]} {v.year}"
    return dt.datetime(v.year, v.month, v.day)


CARA = {"jumlah": ("Jumlah", "jumlah", None, "JUMLAH"), "terakhir": ("Terakhir", "terakhir", "TERAKHIR"),
        "rata-rata": ("Rata-rata", "rata rata", "Rata-Rata")}


def variant(text: str, case: int) -> str:
    if case == 1:
        return text.upper()
    if case == 2:
        return text.lower()
    if case == 3:
        return "  " + text.replace(" ", "  ") + " :"
    return text
