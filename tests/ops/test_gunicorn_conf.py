"""deploy/gunicorn.conf.py's worker hook, as gunicorn calls it once a worker has loaded
the application."""

import gc
import runpy

from django.conf import settings


def test_a_worker_freezes_what_it_loaded_out_of_the_collectors_way():
    config = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    gc.unfreeze()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
