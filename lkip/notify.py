"""Tell the operator when a run failed or rejected files: email (SMTP) and a webhook.

Sent from the end of the flow itself, through Prefect's notification blocks
(`prefect.blocks.notifications`): `AppriseNotificationBlock` with an apprise `mailto://` URL for
SMTP, `CustomWebhookNotificationBlock` for the webhook. The blocks are built in memory from the
`[notify]` section of lkip.toml, so a run with Prefect's temporary server (no automations there)
notifies just the same as one served by `lkip serve`.

A notification that cannot be delivered is logged and never changes the run's outcome.
"""

from __future__ import annotations

import os
from typing import Any, Callable
from urllib.parse import quote, urlencode

from lkip.runreport import STATUS_LABELS, error_reports

SECURITY_MODES = {"none": "insecure", "starttls": "starttls", "ssl": "ssl"}


def should_notify(cfg: Any, status: str) -> bool:
    on = cfg.get("notify.on", ["failed", "completed_with_rejections"]) or []
    return status in on and bool(email_url(cfg) or cfg.get("notify.webhook.url"))


def email_url(cfg: Any) -> str | None:
    """The apprise URL of the configured SMTP server, or None when email is not configured."""
    host = str(cfg.get("notify.email.smtp_host", "") or "").strip()
    to = cfg.get("notify.email.to", []) or []
    if isinstance(to, str):
        to = [to]
    if not host or not to:
        return None
    security = str(cfg.get("notify.email.security", "starttls") or "starttls").lower()
    if security not in SECURITY_MODES:
        raise ValueError(f"notify.email.security harus salah satu dari {', '.join(SECURITY_MODES)}: {security!r}")
    port = int(cfg.get("notify.email.smtp_port", 587) or 587)
    user = str(cfg.get("notify.email.username", "") or "")
    password = os.environ.get(str(cfg.get("notify.email.password_env", "LKIP_SMTP_PASSWORD") or ""), "")
    userinfo = ""
    if user:
        userinfo = quote(user, safe="") + (":" + quote(password, safe="") if password else "") + "@"
    query = {
        "smtp": host,
        "from": str(cfg.get("notify.email.from", "") or "lkip@localhost"),
        "to": ",".join(str(t) for t in to),
        "mode": SECURITY_MODES[security],
        "format": "text",
    }
    scheme = "mailto" if security == "none" else "mailtos"
    return f"{scheme}://{userinfo}{host}:{port}?{urlencode(query)}"


def message(report: dict[str, Any], index_page: str | None = None) -> tuple[str, str]:
    """(subject, body) in Bahasa Indonesia: the run, its status, the rejected files and their reports."""
    status = str(report.get("status", ""))
    files = report.get("files", []) or []
    rejected = [f for f in files if f.get("outcome") == "rejected"]
    failed = [f for f in files if f.get("outcome") == "failed"]
    subject = f"[LKIP] Run {report.get('run_id')} {STATUS_LABELS.get(status, status)}"
    if rejected:
        subject += f": {len(rejected)} berkas ditolak"
    lines = [
        f"Run: {report.get('run_id')}",
        f"Status: {STATUS_LABELS.get(status, status)}",
        f"Mulai: {report.get('started_at')}  Selesai: {report.get('finished_at')}",
        f"Berkas diperiksa: {report.get('files_seen', 0)}; baris dimuat: {report.get('rows_staged', 0)}",
    ]
    if report.get("error"):
        lines.append(f"Kesalahan: {report['error']}")
    if rejected:
        lines += ["", f"Berkas ditolak ({len(rejected)}):"]
        for f in rejected:
            where = f.get("archived_to") or f.get("file")
            lines.append(f"- {f.get('name')}: dipindahkan ke {where}")
            lines.append(f"  Laporan kesalahan: {(error_reports(f) or ['-'])[0]}")
            for m in (f.get("messages") or [])[:3]:
                lines.append(f"  • {m}")
    if failed:
        lines += ["", f"Berkas gagal diproses ({len(failed)}, dibiarkan di input/):"]
        for f in failed:
            lines.append(f"- {f.get('name')}: {' '.join((f.get('messages') or [])[:1])}")
    lines.append("")
    if index_page:
        lines.append(f"Ringkasan semua run dan berkas: {index_page}")
    if report.get("report_path"):
        lines.append(f"Laporan run (JSON): {report['report_path']}")
    if rejected:
        lines.append("Perbaiki berkas sesuai laporan kesalahannya, lalu letakkan kembali di folder input/.")
    return subject, "\n".join(lines) + "\n"


def blocks(cfg: Any) -> list[tuple[str, Any]]:
    """The configured Prefect notification blocks, built in memory (nothing saved on a server)."""
    from prefect.blocks.notifications import AppriseNotificationBlock, CustomWebhookNotificationBlock

    out: list[tuple[str, Any]] = []
    url = email_url(cfg)
    if url:
        out.append(("email", AppriseNotificationBlock(url=url, notify_type="failure")))
    hook = str(cfg.get("notify.webhook.url", "") or "").strip()
    if hook:
        headers = {}
        token_env = str(cfg.get("notify.webhook.token_env", "") or "")
        if token_env and os.environ.get(token_env):
            headers["Authorization"] = f"Bearer {os.environ[token_env]}"
        out.append(("webhook", CustomWebhookNotificationBlock(
            name="lkip", url=hook, method="POST", headers=headers or None,
            timeout=float(cfg.get("notify.webhook.timeout_seconds", 10) or 10),
            # "text" is what Slack/Mattermost/Rocket.Chat incoming webhooks read.
            json_data={"text": "{{subject}}\n\n{{body}}", "subject": "{{subject}}", "body": "{{body}}",
                       "sumber": "{{name}}"},
        )))
    return out


def send_for_run(cfg: Any, report: dict[str, Any], log: Callable[[str], None] | None = None,
                 index_page: str | None = None) -> dict[str, str]:
    """Send the run's notification on every configured channel. Returns channel -> 'terkirim'/error."""
    status = str(report.get("status", ""))
    if not should_notify(cfg, status):
        return {}
    subject, body = message(report, index_page)
    results: dict[str, str] = {}
    for channel, block in blocks(cfg):
        try:
            with block.raise_on_failure():
                block.notify(body=body, subject=subject)
            results[channel] = "terkirim"
        except Exception as exc:  # a mail server down must not fail the run
            results[channel] = f"{type(exc).__name__}: {exc}"[:500]
            if log:
                log(f"Notifikasi {channel} gagal dikirim: {results[channel]}")
    return results


def after_run(cfg: Any, report: dict[str, Any], logger: Any) -> None:
    """End of every run: output/index.html (lkip.index_page), then the notifications.

    Neither can change the run's outcome: a failure is logged (Prefect's run logger)."""
    index = None
    try:
        from lkip import index_page

        index = str(index_page.write_index(cfg))
    except Exception as exc:
        logger.error("output/index.html tidak dapat ditulis: %s", exc)
    try:
        sent = send_for_run(cfg, report, log=logger.error, index_page=index)
        if sent:
            logger.info("Notifikasi: %s", ", ".join(f"{k} {v}" for k, v in sent.items()))
    except Exception as exc:
        logger.error("Notifikasi gagal: %s", exc)
