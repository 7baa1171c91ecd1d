"""A receiver verifies a delivery with `signature_verify`: the HMAC-SHA256 of the
timestamp, a full stop and the raw body, keyed with the webhook's secret, and a timestamp
close to its own clock."""

import hashlib
import hmac

from complaints.webhooks import body_encode, signature_sign, signature_verify

SECRET = "0f" * 32
BODY = body_encode({"event": "accepted", "complaint": {"reference": "TS00000042"}})
NOW = 1_741_570_200
TIMESTAMP = str(NOW)


def test_the_signature_is_the_documented_hmac():
    """sha256=<hex HMAC-SHA256 of f"{timestamp}.{body}">, as a receiver in any language
    would compute it."""
    expected = hmac.new(SECRET.encode(), f"{TIMESTAMP}.".encode() + BODY, hashlib.sha256)

    assert signature_sign(SECRET, TIMESTAMP, BODY) == f"sha256={expected.hexdigest()}"
    assert signature_verify(SECRET, TIMESTAMP, BODY, f"sha256={expected.hexdigest()}", now=NOW)
    assert signature_verify(
        SECRET, TIMESTAMP, BODY.decode(), signature_sign(SECRET, TIMESTAMP, BODY), now=NOW
    )


def test_anything_changed_fails_verification():
    """Another secret, an altered body or timestamp, or a malformed signature or
    timestamp are refused."""
    signature = signature_sign(SECRET, TIMESTAMP, BODY)

    assert not signature_verify("1e" * 32, TIMESTAMP, BODY, signature, now=NOW)
    assert not signature_verify(SECRET, TIMESTAMP, BODY.replace(b"42", b"43"), signature, now=NOW)
    assert not signature_verify(SECRET, str(NOW + 1), BODY, signature, now=NOW)
    assert not signature_verify(SECRET, TIMESTAMP, BODY, signature.upper(), now=NOW)
    assert not signature_verify(SECRET, TIMESTAMP, BODY, "", now=NOW)
    assert not signature_verify(SECRET, TIMESTAMP, BODY, "sha256=ä", now=NOW)
    assert not signature_verify(SECRET, "yesterday", BODY, signature, now=NOW)


def test_an_old_or_future_timestamp_is_refused():
    """A replay more than five minutes later (or a clock far ahead) fails; within five
    minutes it passes; without an age limit only the HMAC counts."""
    signature = signature_sign(SECRET, TIMESTAMP, BODY)

    assert signature_verify(SECRET, TIMESTAMP, BODY, signature, now=NOW + 300)
    assert not signature_verify(SECRET, TIMESTAMP, BODY, signature, now=NOW + 301)
    assert not signature_verify(SECRET, TIMESTAMP, BODY, signature, now=NOW - 301)
    assert signature_verify(SECRET, TIMESTAMP, BODY, signature, max_age=None, now=NOW + 86400)


def test_the_body_is_compact_sorted_utf8_json():
    """The same payload always gives the same bytes, Chinese text as UTF-8."""
    assert body_encode({"b": 1, "a": "漏水"}) == '{"a":"漏水","b":1}'.encode()
