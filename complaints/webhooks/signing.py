"""The signature of a delivery, for the sender and for any receiver that verifies it.

Each POST carries

    X-PropertyDesk-Event:      the event, e.g. "accepted"
    X-PropertyDesk-Delivery:   the delivery's id (a UUID; the same on every retry)
    X-PropertyDesk-Timestamp:  when this attempt was sent, in Unix seconds
    X-PropertyDesk-Signature:  sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}">

where the HMAC key is the webhook's secret (UTF-8) and `body` is the exact request body
(UTF-8 JSON). A receiver recomputes the HMAC over the timestamp header, a full stop and
the raw body it received, compares it in constant time, refuses a timestamp more than
a few minutes away from its own clock (a replayed request), and drops a delivery id it
has already processed (a retry after a lost answer). In Python:

    from complaints.webhooks import signature_verify
    signature_verify(secret, request.headers["X-PropertyDesk-Timestamp"],
                     request.body, request.headers["X-PropertyDesk-Signature"])
"""

import hashlib
import hmac
import json
import time

SIGNATURE_PREFIX = "sha256="
# How far a timestamp may be from the receiver's clock, either way, by default.
MAX_AGE_SECONDS = 300


def body_encode(payload: dict) -> bytes:
    """The request body: compact UTF-8 JSON with sorted keys, the same bytes on every
    attempt."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature_sign(secret: str, timestamp: str, body: bytes | str) -> str:
    if isinstance(body, str):
        body = body.encode()
    message = timestamp.encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_PREFIX}{digest}"


def signature_verify(
    secret: str,
    timestamp: str,
    body: bytes | str,
    signature: str,
    *,
    max_age: int | None = MAX_AGE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when `signature` is this secret's signature of `timestamp` and `body` and
    the timestamp is within `max_age` seconds of `now` (the receiver's clock; None: no
    age check)."""
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if max_age is not None and abs((time.time() if now is None else now) - sent) > max_age:
        return False
    expected = signature_sign(secret, timestamp, body).encode()
    return hmac.compare_digest(expected, (signature or "").encode())
