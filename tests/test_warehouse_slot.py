"""The flow asks a real server for a `lkip-warehouse` slot only when that limit exists (flows.pipeline
._warehouse_slot): a slot request for a missing limit is a write a busy server answered 503, which
Prefect's client retried ~2 s later."""

from __future__ import annotations

import contextlib

import pytest

import flows.global_limit
from flows import pipeline


@pytest.fixture
def asked(monkeypatch):
    calls = []

    @contextlib.contextmanager
    def concurrency(name, occupy=1, strict=False):
        calls.append(("enter", name, occupy))
        yield
        calls.append(("exit", name))

    import prefect.concurrency.sync

    monkeypatch.setattr(prefect.concurrency.sync, "concurrency", concurrency)
    monkeypatch.setattr("lkip.prefect_env.using_real_server", lambda: True)
    monkeypatch.delenv("LKIP_NO_GLOBAL_CONCURRENCY", raising=False)
    return calls


@pytest.mark.parametrize("exists, expected", [
    (False, []),
    (True, [("enter", "lkip-warehouse", 1), ("exit", "lkip-warehouse")]),
    (None, [("enter", "lkip-warehouse", 1), ("exit", "lkip-warehouse")]),  # cannot tell: ask as before
])
def test_a_slot_is_asked_for_only_when_the_limit_may_exist(monkeypatch, asked, exists, expected):
    monkeypatch.setattr(flows.global_limit, "global_limit_exists", lambda: exists)
    with pipeline._warehouse_slot():
        pass
    assert asked == expected


def test_no_slot_on_the_temporary_server(monkeypatch, asked):
    monkeypatch.setattr("lkip.prefect_env.using_real_server", lambda: False)
    monkeypatch.setattr(flows.global_limit, "global_limit_exists", lambda: pytest.fail("no server to ask"))
    with pipeline._warehouse_slot():
        pass
    assert asked == []
