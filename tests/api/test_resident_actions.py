"""What a resident does to their complaint through the API, each through the portal's
service: withdraw before acceptance, confirm the fix, say "not fixed" or reopen within 7
days, rate the closing once. A wrong state is 409 `wrong_state`, a complaint that left
the state the client showed (`expected_state`) 409 `stale`, the closed reopen window 403,
bad input 400 naming the field; every refusal changes nothing and speaks the caller's
language."""

from datetime import timedelta

import pytest
from django.utils import translation
from helpers import assert_history, snapshot
from resident_fixtures import (  # noqa: F401
    api_client,
    api_url,
    res_app_fixture,
    res_client_fixture,
)

from complaints import permissions, services
from complaints.exceptions import ChangedMeanwhile, ReopenWindowClosed
from complaints.models import State, Survey, Transition

GOOD = {"solved": 100, "speed": 80, "attitude": 100, "comment": "Quick and friendly."}


def act(client, action: str, complaint, data=None):
    return client.post(
        api_url(f"resident_complaint_{action}", complaint.pk), data or {}, format="json"
    )


def assert_refused(
    response, complaint, before, *, status: int, code: str, detail: str | None = None
):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    if detail is not None:
        assert body["detail"] == detail
    assert snapshot(complaint) == before


def wrong_state_message(complaint, action: str, language: str = "en") -> str:
    complaint.refresh_from_db()
    with translation.override(language):
        return permissions.wrong_state(complaint, action).message


def stale_message(complaint, language: str = "en") -> str:
    complaint.refresh_from_db()
    with translation.override(language):
        return ChangedMeanwhile(complaint.get_state_display()).message


# --- Withdraw ------------------------------------------------------------------------------


def test_withdraw_a_new_complaint(res_app, resident, complaint):
    """200 with the complaint, now withdrawn; the reason is in history."""
    response = act(res_app, "withdraw", complaint, {"reason": "Fixed it myself"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == State.WITHDRAWN
    assert body["next_step"] == "Withdrawn by you"
    assert body["timeline"][-1] == {
        "at": body["timeline"][-1]["at"],
        "title": "You withdrew the complaint",
        "detail": "Fixed it myself",
        "photos": [],
    }
    complaint.refresh_from_db()
    assert_history(
        complaint, transition=Transition.WITHDRAW, user=resident.user, reason="Fixed it myself"
    )


def test_withdraw_needs_no_reason(res_app, complaint):
    assert act(res_app, "withdraw", complaint).json()["state"] == State.WITHDRAWN


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_withdraw_after_acceptance_is_409(resident, walk, language):
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)
    client = api_client(resident.user, token=True, language=language)
    expected = wrong_state_message(complaint, Transition.WITHDRAW, language)
    if language == "en":
        assert expected == "Cannot withdraw: the complaint is now “Accepted”."
    else:
        assert "“" in expected and "withdraw" not in expected
    assert_refused(
        act(client, "withdraw", complaint),
        complaint,
        before,
        status=409,
        code="wrong_state",
        detail=expected,
    )


def test_withdraw_reason_too_long_is_400(res_app, complaint):
    before = snapshot(complaint)
    response = act(res_app, "withdraw", complaint, {"reason": "x" * 201})
    assert_refused(response, complaint, before, status=400, code="invalid")
    assert list(response.json()["errors"]) == ["reason"]


# --- Confirm -------------------------------------------------------------------------------


def test_confirm_closes_and_asks_for_the_rating(res_app, resident, walk):
    complaint = walk(State.HANDLED)
    response = act(res_app, "confirm", complaint)
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == State.CLOSED
    assert body["actions"]["rate"] is True
    assert body["next_step"] == "Please rate our service"
    complaint.refresh_from_db()
    assert_history(
        complaint,
        transition=Transition.CLOSE,
        user=resident.user,
        reason="Confirmed by the resident",
    )


def test_confirm_with_the_state_shown_closes(res_app, walk):
    complaint = walk(State.HANDLED)
    response = act(res_app, "confirm", complaint, {"expected_state": "handled"})
    assert response.json()["state"] == State.CLOSED


def test_confirm_before_handling_is_409(res_app, walk):
    complaint = walk(State.DISPATCHED)
    before = snapshot(complaint)
    assert_refused(
        act(res_app, "confirm", complaint),
        complaint,
        before,
        status=409,
        code="wrong_state",
        detail="Cannot close: the complaint is now “Dispatched”.",
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_confirm_from_a_stale_page_is_409_stale(resident, walk, language):
    """The app showed "handled", the complaint was reopened meanwhile: nothing is done."""
    complaint = walk(State.REOPENED)
    before = snapshot(complaint)
    client = api_client(resident.user, token=True, language=language)
    response = act(client, "confirm", complaint, {"expected_state": "handled"})
    assert_refused(
        response,
        complaint,
        before,
        status=409,
        code="stale",
        detail=stale_message(complaint, language),
    )
    if language == "zh-hans":
        assert response.json()["detail"].startswith("该投诉已被他人修改")


def test_an_unknown_expected_state_is_400(res_app, walk):
    complaint = walk(State.HANDLED)
    before = snapshot(complaint)
    response = act(res_app, "confirm", complaint, {"expected_state": "fixed"})
    assert_refused(response, complaint, before, status=400, code="invalid")
    assert response.json()["errors"] == {"expected_state": ['"fixed" is not a valid choice.']}


# --- Not fixed, reopen ---------------------------------------------------------------------


def test_not_fixed_reopens_a_handled_complaint(res_app, resident, walk):
    complaint = walk(State.HANDLED)
    response = act(
        res_app, "reopen", complaint, {"reason": "Still dripping", "expected_state": "handled"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == State.REOPENED
    assert body["timeline"][-1]["title"] == "You said it is not fixed"
    assert body["timeline"][-1]["detail"] == "Still dripping"
    complaint.refresh_from_db()
    assert_history(
        complaint, transition=Transition.REOPEN, user=resident.user, reason="Still dripping"
    )


def test_reopen_within_seven_days_of_closing(res_app, walk, now, time_machine):
    complaint = walk(State.CLOSED)
    time_machine.move_to(now + timedelta(days=6, hours=23))
    response = act(res_app, "reopen", complaint, {"reason": "Leaking again"})
    assert response.json()["state"] == State.REOPENED


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_reopen_after_seven_days_is_403(resident, walk, now, time_machine, language):
    complaint = walk(State.CLOSED)
    before = snapshot(complaint)
    time_machine.move_to(now + timedelta(days=7, minutes=1))
    client = api_client(resident.user, token=True, language=language)
    with translation.override(language):
        expected = ReopenWindowClosed().message
    assert_refused(
        act(client, "reopen", complaint, {"reason": "Leaking again"}),
        complaint,
        before,
        status=403,
        code="reopen_window_closed",
        detail=expected,
    )


def test_not_fixed_from_a_stale_page_does_not_reopen_the_closed_one(res_app, resident, walk):
    """The app still showed "handled"; the resident had confirmed elsewhere meanwhile."""
    complaint = walk(State.HANDLED)
    services.complaint_close(complaint_id=complaint.pk, actor=resident.user)
    before = snapshot(complaint)
    assert_refused(
        act(
            res_app, "reopen", complaint, {"reason": "Still dripping", "expected_state": "handled"}
        ),
        complaint,
        before,
        status=409,
        code="stale",
        detail=stale_message(complaint),
    )


def test_reopen_of_a_new_complaint_is_409(res_app, complaint):
    before = snapshot(complaint)
    assert_refused(
        act(res_app, "reopen", complaint, {"reason": "?"}),
        complaint,
        before,
        status=409,
        code="wrong_state",
        detail="Cannot reopen: the complaint is now “New”.",
    )


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}])
def test_not_fixed_needs_a_reason(res_app, walk, data):
    complaint = walk(State.HANDLED)
    before = snapshot(complaint)
    response = act(res_app, "reopen", complaint, data)
    assert_refused(
        response, complaint, before, status=400, code="invalid", detail="This field is required."
    )
    assert response.json()["errors"] == {"reason": ["This field is required."]}


def test_field_errors_speak_chinese(resident, walk):
    complaint = walk(State.HANDLED)
    client = api_client(resident.user, token=True, language="zh-hans")
    response = act(client, "reopen", complaint, {"reason": "x" * 501})
    assert response.status_code == 400
    (message,) = response.json()["errors"]["reason"]
    assert "500" in message
    assert "Ensure" not in message


# --- Survey --------------------------------------------------------------------------------


def test_rate_a_closed_complaint(res_app, walk, now):
    complaint = walk(State.CLOSED)
    response = act(res_app, "survey", complaint, GOOD)
    assert response.status_code == 200
    body = response.json()
    assert body["survey"]["solved"] == 100
    assert body["survey"]["comment"] == "Quick and friendly."
    assert body["actions"]["rate"] is False
    survey = Survey.objects.get(complaint=complaint)
    assert (survey.solved, survey.speed, survey.attitude) == (100, 80, 100)
    assert survey.submitted_at == now


def test_a_low_rating_puts_it_on_the_revisit_queue_at_once(res_app, walk, now):
    complaint = walk(State.CLOSED)
    act(res_app, "survey", complaint, {"solved": 40, "speed": 60, "attitude": 80})
    complaint.refresh_from_db()
    assert complaint.revisit_due_at == now


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_second_rating_is_409(resident, walk, language):
    complaint = walk(State.CLOSED)
    client = api_client(resident.user, token=True, language=language)
    act(client, "survey", complaint, GOOD)
    response = act(client, "survey", complaint, {**GOOD, "solved": 20})
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_state"
    assert (
        response.json()["detail"]
        == {
            "en": "You have already rated this complaint. Thank you!",
            "zh-hans": "您已评价过该投诉，谢谢！",
        }[language]
    )
    assert Survey.objects.get(complaint=complaint).solved == 100


def test_no_rating_before_closing(res_app, walk):
    complaint = walk(State.HANDLED)
    before = snapshot(complaint)
    assert_refused(
        act(res_app, "survey", complaint, GOOD),
        complaint,
        before,
        status=409,
        code="wrong_state",
        detail="Cannot rate the service: the complaint is now “Handled”.",
    )
    assert not Survey.objects.filter(submitted_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"solved": 80},
            {"speed": ["This field is required."], "attitude": ["This field is required."]},
        ),
        ({**GOOD, "speed": 101}, {"speed": ["Ensure this value is less than or equal to 100."]}),
        (
            {**GOOD, "attitude": -1},
            {"attitude": ["Ensure this value is greater than or equal to 0."]},
        ),
        ({**GOOD, "solved": "a lot"}, {"solved": ["A valid integer is required."]}),
        (
            {**GOOD, "comment": "x" * 1001},
            {"comment": ["Ensure this field has no more than 1000 characters."]},
        ),
    ],
)
def test_bad_scores_are_400_naming_the_field(res_app, walk, data, errors):
    complaint = walk(State.CLOSED)
    response = act(res_app, "survey", complaint, data)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Survey.objects.filter(submitted_at__isnull=False).exists()


def test_any_score_from_0_to_100_counts(res_app, walk):
    complaint = walk(State.CLOSED)
    response = act(res_app, "survey", complaint, {"solved": 0, "speed": 55, "attitude": 100})
    assert response.status_code == 200
    assert response.json()["survey"]["speed"] == 55
