"""A run that rejects files is heard about: exit 3, status `completed_with_rejections` (run report,
meta.runs, the Prefect flow run's state), and an email (local SMTP server started here) and a
webhook (local HTTP receiver) in Bahasa Indonesia naming the run, the files and their reports."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lkip import notify
from lkip.config import load_config
from test_reliability_helpers import EXAMPLE_INPUT, free_port, lkip_env, make_workspace, run_lkip, run_reports

pytestmark = pytest.mark.timeout(400)


class _Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


@pytest.fixture
def smtp():
    box = _Mailbox()
    ctl = Controller(box, hostname="127.0.0.1", port=free_port())
    ctl.start()
    box.port = ctl.port
    yield box
    ctl.stop()


@pytest.fixture
def webhook():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"path": self.path, "json": json.loads(body), "auth": self.headers.get("Authorization")})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    srv.received = received
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/hook"
    yield srv
    srv.shutdown()
    srv.server_close()


def _notify_toml(smtp_port: int, hook_url: str) -> str:
    return (
        "[notify.email]\n"
        f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\nsecurity = "none"\n'
        'from = "lkip@pemda.example"\nto = ["operator@pemda.example", "ortala@pemda.example"]\n'
        "[notify.webhook]\n"
        f'url = "{hook_url}"\ntoken_env = "LKIP_TEST_HOOK_TOKEN"\n'
    )


def _body(msg) -> str:
    part = msg.get_body(preferencelist=("plain",)) if msg.is_multipart() else msg
    return part.get_content()


def _report(status="completed_with_rejections"):
    return {
        "run_id": "20260101T010000-1-abcd", "status": status, "started_at": "2026-01-01T01:00:00+07:00",
        "finished_at": "2026-01-01T01:01:00+07:00", "files_seen": 2, "rows_staged": 10,
        "report_path": "/srv/lkip/output/runs/20260101T010000-1-abcd.json",
        "files": [
            {"name": "lra.xlsx", "outcome": "accepted", "messages": []},
            {"name": "form_bagian_umum.xlsx", "outcome": "rejected",
             "archived_to": "/srv/lkip/input/rejected/2026-01-01/form_bagian_umum.xlsx",
             "messages": ["Sheet 'Form', baris 12, kolom 'Realisasi' (H12): 'sepuluh' bukan angka"]},
        ],
    }


def test_message_in_indonesian_names_run_files_and_reports():
    subject, body = notify.message(_report(), index_page="/srv/lkip/output/index.html")
    assert "20260101T010000-1-abcd" in subject and "1 berkas ditolak" in subject
    assert "form_bagian_umum.xlsx" in body
    assert "/srv/lkip/input/rejected/2026-01-01/form_bagian_umum.xlsx.errors.xlsx" in body
    assert "/srv/lkip/output/index.html" in body and "bukan angka" in body
    assert "Perbaiki berkas" in body and "lra.xlsx" not in body  # only what needs attention


def test_nothing_configured_or_status_not_listed_sends_nothing(tmp_path, smtp):
    assert notify.send_for_run(load_config(tmp_path), _report()) == {}
    (tmp_path / "lkip.toml").write_text(_notify_toml(smtp.port, "http://127.0.0.1:9/x") + "[notify]\non = ['failed']\n")
    cfg = load_config(tmp_path)
    assert notify.send_for_run(cfg, _report()) == {}
    assert not smtp.messages


def test_email_url_from_config(tmp_path, monkeypatch):
    (tmp_path / "lkip.toml").write_text(
        '[notify.email]\nsmtp_host = "mail.kota.go.id"\nsmtp_port = 465\nsecurity = "ssl"\n'
        'username = "lkip@kota.go.id"\nto = ["a@kota.go.id"]\n'
    )
    monkeypatch.setenv("LKIP_SMTP_PASSWORD", "r@hasia/#")
    url = notify.email_url(load_config(tmp_path))
    assert url.startswith("mailtos://lkip%40kota.go.id:r%40hasia%2F%23@mail.kota.go.id:465?")
    assert "mode=ssl" in url and "to=a%40kota.go.id" in url
    (tmp_path / "lkip.toml").write_text('[notify.email]\nsmtp_host = "x"\nto = ["a@b.c"]\nsecurity = "tls?"\n')
    with pytest.raises(ValueError, match="security"):
        notify.email_url(load_config(tmp_path))


def test_send_email_and_webhook_through_prefect_blocks(tmp_path, smtp, webhook, monkeypatch):
    monkeypatch.setenv("LKIP_TEST_HOOK_TOKEN", "rahasia")
    (tmp_path / "lkip.toml").write_text(_notify_toml(smtp.port, webhook.url))
    sent = notify.send_for_run(load_config(tmp_path), _report("failed") | {"error": "WarehouseDamaged: x"})
    assert sent == {"email": "terkirim", "webhook": "terkirim"}
    # apprise sends one message per recipient
    assert sorted(r for e in smtp.envelopes for r in e.rcpt_tos) == ["operator@pemda.example", "ortala@pemda.example"]
    msg = smtp.messages[0]
    assert "gagal" in msg["Subject"] and "WarehouseDamaged" in _body(msg)
    (hook,) = webhook.received
    assert hook["auth"] == "Bearer rahasia" and hook["path"] == "/hook"
    assert "gagal" in hook["json"]["subject"] and "form_bagian_umum.xlsx" in hook["json"]["body"]
    assert hook["json"]["text"].startswith(hook["json"]["subject"])


def test_unreachable_channel_is_reported_not_raised(tmp_path):
    (tmp_path / "lkip.toml").write_text(_notify_toml(free_port(), f"http://127.0.0.1:{free_port()}/x"))
    logged: list[str] = []
    sent = notify.send_for_run(load_config(tmp_path), _report(), log=logged.append)
    assert set(sent) == {"email", "webhook"} and "terkirim" not in sent.values()
    assert len(logged) == 2 and all("gagal dikirim" in m for m in logged)


@pytest.mark.slow
def test_run_with_rejected_file_exits_3_and_notifies(tmp_path, smtp, webhook):
    ws = make_workspace(tmp_path / "ws", _notify_toml(smtp.port, webhook.url),
                        files=[EXAMPLE_INPUT / "renja_perubahan_2020.xlsx"])
    bad = ws / "input" / "bagian umum" / "form <rusak>.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"kode;uraian;nilai\n1;x;satu juta\n")
    old = time.time() - 120
    os.utime(bad, (old, old))
    r = run_lkip(["run", "-w", str(ws)], lkip_env({"COLUMNS": "80"}))
    out = r.stdout + r.stderr
    assert r.returncode == 3, out
    assert "Traceback" not in out

    (rep,) = run_reports(ws)
    assert rep["status"] == "completed_with_rejections"
    assert rep["files_by_outcome"] == {"accepted": 1, "rejected": 1}
    import duckdb

    con = duckdb.connect(str(ws / "output" / "lkip.duckdb"), read_only=True)
    assert con.execute("select status from meta.runs").fetchall() == [("completed_with_rejections",)]
    con.close()
    # The Prefect flow run: Completed, named CompletedWithRejections, with a message.
    db = sqlite3.connect(ws / ".prefect" / "prefect.db")
    row = db.execute("select state_type, state_name from flow_run where id = ?", [rep["flow_run_id"]]).fetchone()
    db.close()
    assert row == ("COMPLETED", "CompletedWithRejections")

    archived = next(f["archived_to"] for f in rep["files"] if f["outcome"] == "rejected")
    assert len(smtp.messages) == 2
    msg = smtp.messages[0]
    body = _body(msg)
    assert rep["run_id"] in msg["Subject"] and "ditolak" in msg["Subject"]
    assert "form <rusak>.xlsx" in body and archived + ".errors.xlsx" in body
    assert str(ws / "output" / "index.html") in body
    (hook,) = webhook.received
    assert rep["run_id"] in hook["json"]["subject"] and archived + ".errors.xlsx" in hook["json"]["body"]

    # The console: Indonesian, where the outputs are, paths whole at 80 columns.
    assert "selesai, ada berkas ditolak" in r.stdout
    assert f"Hasil: {ws / 'output' / '2020' / '4.01.03'}{os.sep}\n" in r.stdout
    assert f"Run {rep['run_id']} selesai, ada berkas ditolak." in r.stdout
    assert archived in r.stdout  # never cut with an ellipsis

    # output/index.html: this run, the file's outcome, a link to its error report, each SKPD's report.
    html = (ws / "output" / "index.html").read_text(encoding="utf-8")
    assert rep["run_id"] in html and "form &lt;rusak&gt;.xlsx" in html and "<rusak>" not in html
    assert "ditolak" in html and "renja_perubahan_2020.xlsx" in html
    rel = os.path.relpath(archived + ".errors.xlsx", ws / "output").replace(os.sep, "/")
    assert f'href="{rel.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E")}"' in html
    assert 'href="./2020/4.01.03/laporan_4.01.03_2020.html"' in html
