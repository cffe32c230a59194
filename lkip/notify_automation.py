"""The Prefect automation `lkip-run-crashed`, created by `lkip serve` on its Prefect server.

Failed runs and rejected files are announced by the flow itself (lkip.notify). A flow run that
never reaches its end (machine lost power, process killed) cannot announce anything; the server
sees it as Crashed. This automation sends that to the configured webhook through a saved
`CustomWebhookNotificationBlock` (`lkip-notifikasi-webhook`), a block type every Prefect server
knows, so the server can send it. Email is not offered here: Prefect ships no SMTP block the
server could load.
"""

from __future__ import annotations

from typing import Any

AUTOMATION_NAME = "lkip-run-crashed"
BLOCK_NAME = "lkip-notifikasi-webhook"
FLOW_NAME = "lkip-run"

SUBJECT = "[LKIP] Run {{ flow_run.name }} berhenti tiba-tiba (Crashed)"
BODY = (
    "Run LKIP {{ flow_run.name }} (flow {{ flow.name }}) berhenti sebelum selesai: "
    "{{ flow_run.state.message }}\n"
    "Berkas yang belum dimuat tetap di input/ dan diproses pada run berikutnya. Periksa log layanan "
    "(journalctl -u lkip-serve) lalu jalankan `lkip run` bila perlu.\n"
    "Flow run: {{ flow_run|ui_url }}"
)


def ensure_crash_automation(cfg: Any) -> str | None:
    """Create or replace the automation; returns its id, or None when no webhook is configured."""
    from prefect.automations import Automation, EventTrigger, Posture, SendNotification

    from lkip.notify import blocks

    webhook = next((b for channel, b in blocks(cfg) if channel == "webhook"), None)
    if webhook is None:
        return None
    block_id = webhook.save(BLOCK_NAME, overwrite=True)
    while True:  # replace, never duplicate, the one(s) an earlier `lkip serve` created
        try:
            Automation.read(name=AUTOMATION_NAME).delete()
        except ValueError:  # none left
            break
    automation = Automation(
        name=AUTOMATION_NAME,
        description="Kirim notifikasi bila run LKIP berhenti tiba-tiba (Crashed).",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Crashed"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOW_NAME},
            posture=Posture.Reactive,
            threshold=1,
            within=0,
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    ).create()
    return str(automation.id)
