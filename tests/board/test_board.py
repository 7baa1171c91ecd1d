"""The site board (issue 17): a property's live counts for the office TV, reached with a
revocable link, refreshed from its JSON, rate-limited, and free of personal data."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from factories import ComplaintFactory, PropertyFactory, ResidentFactory, UnitFactory

from complaints.models import BoardToken, State
from complaints.reports.analysis import analysis_compute
from complaints.reports.months import month_of
from complaints.services import survey_submit
from complaints.services.intake_rules import board_token_revoke

pytestmark = pytest.mark.django_db


def page_url(token):
    return reverse("board:page", args=[token])


def data_url(token):
    return reverse("board:data", args=[token])


@pytest.fixture
def scene(now, file, walk, time_machine, resident):
    """Complaints of the property at 09:30 on Monday 10 March:

    - two suspected emergencies, filed 20 and 5 minutes ago (level I first response due
      15 minutes after filing: one overdue, one due within the hour);
    - two classified level II complaints filed 3 h and 90 min ago (first response due
      2 h after filing: one overdue, one due in 30 minutes);
    - one dispatched (due tomorrow), one handled (no deadline), one closed today and
      rated (90/80/70), one closed yesterday, one withdrawn;
    - and a complaint of another property, counted nowhere.
    """
    file("3号楼电梯困人", minutes_ago=20)
    file("有人被困 in lift 2", minutes_ago=5)
    walk(State.CLASSIFIED, complaint=file("楼道灯不亮", minutes_ago=90))
    walk(State.CLASSIFIED, complaint=file("垃圾没清运", minutes_ago=180))
    walk(State.DISPATCHED, complaint=file("绿化带杂草多"))
    walk(State.HANDLED, complaint=file("门禁卡失灵"))
    closed = walk(State.CLOSED, complaint=file("楼道有积水"))
    survey_submit(
        complaint_id=closed.pk, actor=closed.resident.user, solved=90, speed=80, attitude=70
    )
    yesterday = now - timedelta(days=1)
    earlier = file("车位被占", at=yesterday)
    time_machine.move_to(yesterday + timedelta(minutes=30), tick=False)
    walk(State.CLOSED, complaint=earlier)
    time_machine.move_to(now, tick=False)
    walk(State.WITHDRAWN, complaint=file("不需要了"))
    elsewhere = PropertyFactory()
    ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building__property=elsewhere)),
        description="电梯困人 elsewhere",
    )


def test_json_has_the_exact_counts(client, board, scene, now):
    """Every figure of the scene, counted by the queues' and the reports' rules."""
    _link, token = board
    response = client.get(data_url(token))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert data["open"] == 6
    assert {row["key"]: row["count"] for row in data["by_state"]} == {
        "new": 2,
        "accepted": 0,
        "classified": 2,
        "dispatched": 1,
        "handled": 1,
        "reopened": 0,
    }
    assert {row["key"]: row["count"] for row in data["by_level"]} == {
        "1": 0,
        "2": 4,
        "3": 0,
        "none": 2,
    }
    assert (data["overdue"], data["due_soon"]) == (2, 2)
    assert (data["filed_today"], data["closed_today"]) == (7, 1)
    assert data["month"]["closed"] == 2
    assert data["month"]["on_time_rate"] == 1.0
    assert data["month"]["on_time_text"] == "100%"
    assert data["month"]["mean_satisfaction"] == pytest.approx(80.0)
    assert data["month"]["satisfaction_text"] == "80"
    assert data["last_emergency"] == {"age_seconds": 300, "age_text": "5 min ago"}


def test_month_figures_are_the_reports(client, board, scene, prop, now):
    """The month's on-time rate and satisfaction equal the monthly analysis's."""
    _link, token = board
    month = client.get(data_url(token)).json()["month"]
    summary = analysis_compute(property_id=prop.pk, month=month_of(now))["summary"]

    assert month["on_time_rate"] == summary["on_time_rate"]
    assert month["mean_satisfaction"] == summary["mean_satisfaction"]


def test_page_shows_the_figures_with_static_script_only(client, board, scene):
    """The page carries the same figures, loads its script and styles from static files
    (the CSP allows no inline ones) and is not cached."""
    _link, token = board
    response = client.get(page_url(token))
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert 'data-field="overdue">2<' in html
    assert 'data-field="filed_today">7<' in html
    assert 'data-list="by_state" data-key="classified">2<' in html
    assert "/static/board/board.js" in html
    assert "/static/board/board.css" in html
    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_empty_property_board(client, board):
    """With nothing filed the board shows zeros and dashes, not errors."""
    _link, token = board
    data = client.get(data_url(token)).json()
    assert data["open"] == 0
    assert data["month"]["on_time_text"] == "—"
    assert data["last_emergency"]["age_seconds"] is None


@pytest.mark.parametrize("which", ["page", "data"])
def test_unknown_and_revoked_links_are_not_found(client, board, project_manager, which):
    link, token = board
    view = page_url if which == "page" else data_url
    assert client.get(view(token)).status_code == 200

    assert client.get(view(token[:-1] + ("A" if token[-1] != "A" else "B"))).status_code == 404
    assert client.get(view("short")).status_code == 404
    board_token_revoke(actor=project_manager, board_id=link.pk)
    assert client.get(view(token)).status_code == 404


def test_post_is_not_allowed(client, board):
    _link, token = board
    assert client.post(data_url(token)).status_code == 405


@override_settings(BOARD_RATE="3/min")
def test_rate_limited_per_client(client, board):
    """Beyond the rate every request is refused with 429 and Retry-After, wrong tokens
    included (guessing is as slow as polling)."""
    _link, token = board
    assert [client.get(data_url(token)).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(data_url(token))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert client.get(page_url("x" * 40)).status_code == 429


def test_no_personal_data_in_page_or_json(client, board, unit, now):
    """No resident name, phone, unit number, contact or description of any complaint
    appears in the board's HTML or JSON."""
    _link, token = board
    resident = ResidentFactory(name="欧阳娜娜", phone="13912345678", unit=unit)
    unit.number = "8807"
    unit.save()
    ComplaintFactory(
        resident=resident,
        description="电梯困人 secret-description-text",
        contact_name="联系人李雷",
        location_text="8807门口",
    )
    texts = [
        client.get(page_url(token)).content.decode(),
        client.get(data_url(token)).content.decode("unicode_escape"),
    ]
    assert '"open": 1' in texts[1] or '"open":1' in texts[1]
    for text in texts:
        for secret in (
            "欧阳娜娜",
            "13912345678",
            "8807",
            "secret-description-text",
            "联系人李雷",
            "Zhang Wei",
        ):
            assert secret not in text


def test_query_count_is_bounded(client, board, scene, file, django_assert_max_num_queries):
    """The JSON costs the same few queries whatever the number of complaints."""
    _link, token = board
    with django_assert_max_num_queries(6):
        assert client.get(data_url(token)).status_code == 200
    for index in range(10):
        file(f"更多投诉 {index}")
    with django_assert_max_num_queries(6):
        assert client.get(data_url(token)).json()["open"] == 16


def test_last_used_is_recorded_at_most_every_few_minutes(client, board, now, time_machine):
    link, token = board
    client.get(data_url(token))
    link.refresh_from_db()
    assert link.last_used_at == now
    time_machine.move_to(now + timedelta(minutes=1), tick=False)
    client.get(data_url(token))
    link.refresh_from_db()
    assert link.last_used_at == now
    assert BoardToken.objects.filter(token_hash__contains=token).count() == 0
