"""What a resident can do to a complaint: withdraw before acceptance, confirm or say
"not fixed" after handling, reopen within 7 days of closing. Each goes through the
service; a wrong state is refused with a message and changes nothing."""

from datetime import timedelta

from django.urls import reverse
from helpers import assert_history, snapshot

from complaints.models import State, Transition


def post(client, name, complaint, data=None, **kwargs):
    return client.post(reverse(name, args=[complaint.pk]), data or {}, **kwargs)


def detail(client, complaint) -> str:
    return client.get(reverse("portal:complaint_detail", args=[complaint.pk])).content.decode()


def test_new_complaint_offers_withdraw_only(resident_client, complaint):
    """Before acceptance the page offers withdrawing, not confirming or reopening."""
    content = detail(resident_client, complaint)
    assert reverse("portal:complaint_withdraw", args=[complaint.pk]) in content
    assert reverse("portal:complaint_confirm", args=[complaint.pk]) not in content
    assert reverse("portal:complaint_reopen", args=[complaint.pk]) not in content


def test_withdraw_before_acceptance(resident_client, resident, complaint):
    """The resident withdraws a new complaint; the reason lands in history."""
    response = post(
        resident_client, "portal:complaint_withdraw", complaint, {"reason": "Fixed it myself"}
    )
    assert response["Location"] == reverse("portal:complaint_detail", args=[complaint.pk])
    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN
    assert_history(
        complaint, transition=Transition.WITHDRAW, user=resident.user, reason="Fixed it myself"
    )
    content = detail(resident_client, complaint)
    assert "Your complaint was withdrawn." in content
    assert "You withdrew the complaint" in content
    assert "Withdrawn by you" in content


def test_withdraw_after_acceptance_is_refused(resident_client, walk):
    """Once accepted, withdrawing is refused with a message and nothing changes."""
    complaint = walk("accepted")
    before = snapshot(complaint)
    assert reverse("portal:complaint_withdraw", args=[complaint.pk]) not in detail(
        resident_client, complaint
    )
    response = post(resident_client, "portal:complaint_withdraw", complaint, follow=True)
    assert "Cannot withdraw: the complaint is now “Accepted”." in response.content.decode()
    assert snapshot(complaint) == before


def test_handled_complaint_offers_confirm_and_not_fixed(resident_client, walk):
    """After handling the page asks whether it is fixed."""
    complaint = walk("handled")
    content = detail(resident_client, complaint)
    assert "Is the problem fixed?" in content
    assert reverse("portal:complaint_confirm", args=[complaint.pk]) in content
    assert reverse("portal:complaint_reopen", args=[complaint.pk]) in content
    assert reverse("portal:complaint_withdraw", args=[complaint.pk]) not in content


def test_confirm_closes_and_asks_for_the_rating(resident_client, resident, walk):
    """Confirming closes the complaint as the resident and leads to the survey."""
    complaint = walk("handled")
    response = post(resident_client, "portal:complaint_confirm", complaint)
    assert response["Location"] == reverse("portal:complaint_survey", args=[complaint.pk])
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    assert_history(
        complaint,
        transition=Transition.CLOSE,
        user=resident.user,
        reason="Confirmed by the resident",
    )


def test_confirm_before_handling_is_refused(resident_client, walk):
    """Confirming a complaint that is still being fixed is refused and changes nothing."""
    complaint = walk("dispatched")
    before = snapshot(complaint)
    response = post(resident_client, "portal:complaint_confirm", complaint, follow=True)
    assert "Cannot close: the complaint is now “Dispatched”." in response.content.decode()
    assert snapshot(complaint) == before


def test_confirming_twice_is_refused_cleanly(resident_client, walk):
    """A stale second click on "it is fixed" gets a message, not an error."""
    complaint = walk("handled")
    post(resident_client, "portal:complaint_confirm", complaint)
    response = post(resident_client, "portal:complaint_confirm", complaint, follow=True)
    assert response.status_code == 200
    assert "Cannot close: the complaint is now “Closed”." in response.content.decode()


def test_not_fixed_needs_a_reason(resident_client, walk):
    """ "Not fixed" without a reason is refused next to the reason field."""
    complaint = walk("handled")
    before = snapshot(complaint)
    response = post(resident_client, "portal:complaint_reopen", complaint, {"reason": " "})
    assert response.status_code == 400
    assert response.context["reopen_form"].errors["reason"] == ["This field is required."]
    assert snapshot(complaint) == before


def test_not_fixed_reopens_for_review(resident_client, resident, walk):
    """ "Not fixed" with a reason reopens the complaint; the reason is in history and the
    timeline."""
    complaint = walk("handled")
    response = post(
        resident_client, "portal:complaint_reopen", complaint, {"reason": "Still dripping"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED
    assert_history(
        complaint, transition=Transition.REOPEN, user=resident.user, reason="Still dripping"
    )
    content = detail(resident_client, complaint)
    assert "You said it is not fixed" in content
    assert "Still dripping" in content
    assert "A manager will review it." in content


def test_reopen_within_seven_days_of_closing(resident_client, walk, now, time_machine):
    """Six days after closing the page offers reopening and the resident reopens."""
    complaint = walk("closed")
    time_machine.move_to(now + timedelta(days=6), tick=False)
    assert "Is the problem back?" in detail(resident_client, complaint)
    post(resident_client, "portal:complaint_reopen", complaint, {"reason": "Back again"})
    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED


def test_reopen_after_seven_days_is_refused(resident_client, walk, now, time_machine):
    """Eight days after closing the offer is gone and a stale form is refused clearly."""
    complaint = walk("closed")
    time_machine.move_to(now + timedelta(days=8), tick=False)
    assert "Is the problem back?" not in detail(resident_client, complaint)
    before = snapshot(complaint)
    response = post(
        resident_client, "portal:complaint_reopen", complaint, {"reason": "Back"}, follow=True
    )
    assert "more than 7 days" in response.content.decode()
    assert snapshot(complaint) == before


def test_reopen_of_a_new_complaint_is_refused(resident_client, complaint):
    """A complaint that was never handled cannot be reopened."""
    before = snapshot(complaint)
    response = post(
        resident_client, "portal:complaint_reopen", complaint, {"reason": "x"}, follow=True
    )
    assert "Cannot reopen: the complaint is now “New”." in response.content.decode()
    assert snapshot(complaint) == before


def test_a_stale_not_fixed_tab_does_not_reopen_a_confirmed_complaint(resident_client, walk):
    """Two tabs show the handled complaint; one confirms. "Not fixed" from the other,
    still showing "handled", is refused: the complaint stays closed, the resident's text
    is kept in the reopen form, and the page says what happened."""
    complaint = walk("handled")
    stale_tab = detail(resident_client, complaint)
    assert 'name="expected_state" value="handled"' in stale_tab
    post(resident_client, "portal:complaint_confirm", complaint, {"expected_state": "handled"})

    response = post(
        resident_client,
        "portal:complaint_reopen",
        complaint,
        {"reason": "Still dripping", "expected_state": "handled"},
    )

    assert response.status_code == 409
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    content = response.content.decode()
    assert "it is now “Closed”. Nothing was done" in content
    assert "Still dripping" in content
    assert 'name="expected_state" value="closed"' in content


def test_a_stale_confirm_tab_is_told_what_happened(resident_client, walk):
    """A complaint reopened from one tab is not closed by "it is fixed" from another."""
    complaint = walk("handled")
    post(
        resident_client,
        "portal:complaint_reopen",
        complaint,
        {"reason": "Still dripping", "expected_state": "handled"},
    )

    response = post(
        resident_client,
        "portal:complaint_confirm",
        complaint,
        {"expected_state": "handled"},
        follow=True,
    )

    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED
    assert "it is now “Reopened”. Nothing was done" in response.content.decode()
