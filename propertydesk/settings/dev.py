"""Local development: DEBUG on, a fixed development key unless one is given."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-propertydesk-development-only"
