"""What the IoT tests share besides fixtures."""

import hashlib

from django.urls import reverse
from django.utils import translation

ALERTS_URL = "/api/v1/iot/alerts/"


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
