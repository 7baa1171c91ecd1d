"""/metrics for Prometheus: django-prometheus's request and response figures of this web
process (or of all of them, in prometheus_client's multiprocess mode), and ours, read
from the database and the broker at each scrape: the SLA sweep's lag, the job queue,
the staff queues per property and open complaints per property, state and level.

Only a scraper holding METRICS_TOKEN reads it (`Authorization: Bearer <token>`, what
Prometheus sends with `authorization: {credentials_file: …}`); without the setting the
page does not exist. Nothing here names a person: properties, states, levels and counts.
"""

import hmac
import logging
import os

import prometheus_client
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_q.brokers import get_broker
from prometheus_client import CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily

from complaints.board.figures import OPEN_STATES
from complaints.health import sweep_lag
from complaints.models import Complaint
from complaints.models.urgency import QUEUE_STATES
from complaints.selectors import Queue, queue_condition

logger = logging.getLogger(__name__)

# Whose they are depends on who looks: not a figure of the property.
PERSONAL_QUEUES = (Queue.MINE, Queue.MY_TEAM)
SHARED_QUEUES = tuple(queue for queue in Queue if queue not in PERSONAL_QUEUES)
UNCLASSIFIED = "none"


def complaint_rows(*, now) -> list[dict]:
    """Per property, state and level: the open complaints and each shared staff queue's
    size, in one aggregate query over the queue rows (QUEUE_STATES): an index-only scan
    of their index, never the table."""
    # The queues' conditions do not depend on the user; the personal ones are left out.
    nobody = AnonymousUser()
    queues = {queue: queue_condition(queue, user=nobody, now=now) for queue in SHARED_QUEUES}
    open_ = Q(state__in=OPEN_STATES)
    return list(
        Complaint.objects.filter(state__in=QUEUE_STATES)
        .order_by()
        .values("property_id", "property__name", "state", "level")
        .annotate(
            open=Count("property", filter=open_),
            **{
                f"queue_{queue.value}": Count("property", filter=cond)
                for queue, cond in queues.items()
            },
        )
    )


class PropertyDeskCollector:
    """Our gauges, computed when collected (a scrape), never stored in the process."""

    def collect(self):
        now = timezone.now()
        lag = GaugeMetricFamily(
            "propertydesk_sla_sweep_lag_seconds",
            "How far the SLA sweep's next run lies in the past (0: on time); absent when "
            "its schedule is not installed. Above 180 s no job cluster is sweeping.",
        )
        late = sweep_lag()
        if late is not None:
            lag.add_metric([], late.total_seconds())
        yield lag

        up = GaugeMetricFamily("propertydesk_job_broker_up", "1 when the job broker answers.")
        queued = GaugeMetricFamily(
            "propertydesk_job_queue_size", "Jobs waiting in the broker for a cluster's worker."
        )
        try:
            broker = get_broker()
            broker.ping()
            queued.add_metric([], broker.queue_size())
            up.add_metric([], 1)
        except Exception:
            logger.exception("The job broker does not answer")
            up.add_metric([], 0)
        yield up
        yield queued

        open_ = GaugeMetricFamily(
            "propertydesk_complaints_open",
            "Open complaints (new to handled) per property, state and level.",
            labels=["property_id", "property", "state", "level"],
        )
        queues = GaugeMetricFamily(
            "propertydesk_complaint_queue_size",
            "Complaints in each staff queue of the admin, per property (the personal "
            "queues 'mine' and 'my team' are left out).",
            labels=["property_id", "property", "queue"],
        )
        per_queue: dict[tuple[str, str, str], int] = {}
        for row in complaint_rows(now=now):
            place = (str(row["property_id"]), row["property__name"])
            if row["open"]:
                level = UNCLASSIFIED if row["level"] is None else str(row["level"])
                open_.add_metric([*place, row["state"], level], row["open"])
            for queue in SHARED_QUEUES:
                key = (*place, queue.value)
                per_queue[key] = per_queue.get(key, 0) + row[f"queue_{queue.value}"]
        for labels, count in sorted(per_queue.items()):
            queues.add_metric(list(labels), count)
        yield open_
        yield queues


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The scrape: 404 without METRICS_TOKEN set, 401 without its bearer token."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    if not _authorized(request, token):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        # Every gunicorn worker's counters, from the files they write.
        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
    else:
        processes = prometheus_client.REGISTRY
    ours = CollectorRegistry(auto_describe=False)
    ours.register(PropertyDeskCollector())
    body = prometheus_client.generate_latest(processes) + prometheus_client.generate_latest(ours)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
