"""The satisfaction survey: three scores from 0 to 100 (five stars on the page) and a
comment, once per closing."""

from django.urls import reverse

from complaints.models import State, Survey


def survey_url(complaint) -> str:
    return reverse("portal:complaint_survey", args=[complaint.pk])


GOOD = {"solved": "100", "speed": "80", "attitude": "100", "comment": "Quick and friendly."}


def test_survey_page_shows_five_stars_per_score(resident_client, walk):
    """Each of the three questions offers five stars (20 … 100)."""
    complaint = walk("closed")
    response = resident_client.get(survey_url(complaint))
    assert response.status_code == 200
    content = response.content.decode()
    for name in ("solved", "speed", "attitude"):
        for value in (20, 40, 60, 80, 100):
            assert f'name="{name}" value="{value}"' in content
    assert "Was the problem solved?" in content


def test_resident_rates_a_closed_complaint(resident_client, walk, now):
    """The scores and the comment are stored once for this closing."""
    complaint = walk("closed")
    response = resident_client.post(survey_url(complaint), GOOD)
    assert response["Location"] == reverse("portal:complaint_detail", args=[complaint.pk])
    survey = Survey.objects.get(complaint=complaint)
    assert (survey.solved, survey.speed, survey.attitude) == (100, 80, 100)
    assert survey.comment == "Quick and friendly."
    assert survey.submitted_at == now
    content = resident_client.get(response["Location"]).content.decode()
    assert "Thank you for your rating!" in content
    assert "Your rating" in content
    assert "Rate our service" not in content
    assert content.count("5 stars: excellent") == 2
    assert "4 stars: good" in content
    assert "/ 100" not in content


def test_second_rating_is_refused(resident_client, walk):
    """After rating, the survey page redirects with a message and a replayed POST is
    refused; the first rating stays."""
    complaint = walk("closed")
    resident_client.post(survey_url(complaint), GOOD)
    response = resident_client.get(survey_url(complaint), follow=True)
    assert "There is nothing to rate for this complaint right now." in response.content.decode()
    resident_client.post(survey_url(complaint), {**GOOD, "solved": "20"})
    assert Survey.objects.get(complaint=complaint).solved == 100


def test_missing_score_is_refused_next_to_it(resident_client, walk):
    """A question left unanswered gets its own error; the answers given stay checked."""
    complaint = walk("closed")
    response = resident_client.post(survey_url(complaint), {"solved": "80", "speed": "60"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["attitude"] == ["Choose from 1 to 5 stars."]
    assert "solved" not in errors
    assert 'name="solved" value="80" id="id_solved_1" checked' in response.content.decode()
    assert not Survey.objects.filter(complaint=complaint, submitted_at__isnull=False).exists()


def test_out_of_range_score_is_refused(resident_client, walk):
    """Scores outside 0–100 are refused next to their field."""
    complaint = walk("closed")
    response = resident_client.post(survey_url(complaint), {**GOOD, "speed": "150"})
    assert response.status_code == 400
    assert response.context["form"].errors["speed"] == [
        "Ensure this value is less than or equal to 100."
    ]


def test_any_score_from_0_to_100_is_accepted(resident_client, walk):
    """The server accepts any score 0–100, not only the five star values."""
    complaint = walk("closed")
    resident_client.post(survey_url(complaint), {**GOOD, "solved": "0", "speed": "75"})
    survey = Survey.objects.get(complaint=complaint)
    assert (survey.solved, survey.speed) == (0, 75)


def test_low_rating_puts_it_on_the_revisit_queue(resident_client, walk, now):
    """A mean below 80 asks customer service to call back at once."""
    complaint = walk("closed")
    resident_client.post(survey_url(complaint), {"solved": "40", "speed": "60", "attitude": "60"})
    complaint.refresh_from_db()
    assert complaint.revisit_due_at == now


def test_no_survey_before_closing(resident_client, walk):
    """A complaint that is not closed has nothing to rate."""
    complaint = walk("handled")
    response = resident_client.get(survey_url(complaint))
    assert response["Location"] == reverse("portal:complaint_detail", args=[complaint.pk])
    resident_client.post(survey_url(complaint), GOOD)
    assert not Survey.objects.filter(complaint=complaint).exists()


def test_reopened_and_closed_again_is_rated_again(
    resident_client, walk, agent, handler, engineering
):
    """Each closing has its own survey."""
    from complaints import services

    complaint = walk("closed")
    resident_client.post(survey_url(complaint), GOOD)
    services.complaint_reopen(
        complaint_id=complaint.pk, actor=complaint.resident.user, reason="Again"
    )
    services.complaint_dispatch(
        complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler
    )
    services.complaint_handle(complaint_id=complaint.pk, actor=handler, note="Done properly.")
    services.complaint_close(complaint_id=complaint.pk, actor=complaint.resident.user)
    resident_client.post(survey_url(complaint), {**GOOD, "solved": "60"})
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    assert sorted(Survey.objects.filter(complaint=complaint).values_list("cycle", "solved")) == [
        (0, 100),
        (1, 60),
    ]
