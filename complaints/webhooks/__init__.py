"""Outgoing webhooks (SPEC §6): complaint events, signed with each webhook's secret,
POSTed as JSON to the company's other systems (an ERP, a WeCom or DingTalk group bot)
and retried until they are answered with a 2xx.

- `events`: what a saved change owes (one delivery per active webhook of the
  complaint's property that asks for the event), recorded in the change's transaction
  and queued after it commits;
- `delivery`: the attempt, its retries (1 min, 5 min, 30 min, 2 h, 6 h, then failed)
  and the every-minute job that queues what is due;
- `signing`: the headers and the signature, with `signature_verify` for receivers;
- `formats`: the body for an ERP (the payload below) or a WeCom/DingTalk group bot (a
  short markdown message without the contact phone);
- `selectors`, `services`: what the admin shows and does.

The payload (JSON, UTF-8; stored with the delivery, the same on every retry):

    {"id": "<delivery id>", "event": "accepted", "occurred_at": "2025-03-10T09:30:00+08:00",
     "complaint": {"reference": "TS00000042", "state": "accepted", "level": 2,
                   "suspected_emergency": false,
                   "category": {"code": "leak", "name": "..."}, "channel": "web",
                   "property": "...", "building": "...", "location": "...",
                   "contact_phone": "138****1234"},
     "breach": {"deadline": "first_response", "cycle": 0, "due_at": "..."}}   (breached)
"""

from complaints.webhooks.delivery import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    deliveries_queue_due,
    delivery_attempt,
)
from complaints.webhooks.events import breaches_announce, complaint_transition_announce
from complaints.webhooks.signing import body_encode, signature_sign, signature_verify

__all__ = [
    "MAX_ATTEMPTS",
    "RETRY_DELAYS",
    "body_encode",
    "breaches_announce",
    "complaint_transition_announce",
    "deliveries_queue_due",
    "delivery_attempt",
    "signature_sign",
    "signature_verify",
]
