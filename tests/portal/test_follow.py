"""Following a complaint: the list with state, last update and next promise, and the
detail page with its plain-words timeline and photos."""

from datetime import timedelta

from django.urls import reverse
from factories import ComplaintFactory, image_upload

from complaints import services


def detail(client, complaint) -> str:
    response = client.get(reverse("portal:complaint_detail", args=[complaint.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_list_shows_state_last_update_and_next_promise(resident_client, resident, now):
    """A new complaint is listed as submitted with the time we will respond by."""
    complaint = ComplaintFactory(resident=resident, description="Lift door squeaks")
    content = resident_client.get(reverse("portal:complaint_list")).content.decode()
    assert complaint.reference in content
    assert "Submitted" in content
    assert "Lift door squeaks" in content
    assert "Last update" in content
    assert "2025-03-10 09:30" in content
    # Level II: someone responds within 2 hours of 09:30 (Asia/Shanghai).
    assert "Response by 2025-03-10 11:30" in content


def test_list_next_step_follows_the_lifecycle(resident_client, walk):
    """Dispatched complaints show the next deadline; handled ones ask for confirmation;
    closed ones ask for a rating."""
    dispatched = walk("dispatched")
    handled = walk("handled")
    closed = walk("closed")
    content = resident_client.get(reverse("portal:complaint_list")).content.decode()
    assert "Being fixed" in content
    assert "Fixed by" in content
    assert "Please confirm the fix" in content
    assert "Please rate our service" in content
    for item in (dispatched, handled, closed):
        assert item.reference in content


def test_empty_list_invites_a_first_report(resident_client):
    """Without complaints the list says so and offers the form."""
    content = resident_client.get(reverse("portal:complaint_list")).content.decode()
    assert "You have not reported any problems yet." in content
    assert reverse("portal:complaint_new") in content


def test_timeline_tells_the_story_in_plain_words(resident_client, walk, photo_category):
    """Submitted, accepted by whom, sent to which team and who is on the way, fixed with
    the after photo and the handler's note, closed by the resident's confirmation."""
    complaint = walk("closed", category=photo_category)
    content = detail(resident_client, complaint)
    for words in (
        "Submitted",
        "Accepted by Na Li",
        "Na Li is responsible for your complaint until it is closed.",
        "Checked and sorted",
        "Leaks &amp; pipes",
        "Sent to Engineering",
        "Gang Chen is on the way.",
        "Fixed",
        "Replaced the seal.",
        "You confirmed the fix",
    ):
        assert words in content, words
    after = complaint.photos.get(step="after")
    assert reverse("complaints:photo", args=[after.pk, "thumbnail"]) in content
    assert reverse("complaints:photo", args=[after.pk, "image"]) in content
    positions = [
        content.index(words) for words in ("Submitted", "Accepted by", "Sent to", "You confirmed")
    ]
    assert positions == sorted(positions)


def test_timeline_shows_the_residents_own_photos(resident_client, resident):
    """Photos sent with the complaint appear under "Submitted"."""
    complaint = ComplaintFactory(resident=resident, photos=[image_upload("mine.jpg")])
    photo = complaint.photos.get()
    assert reverse("complaints:photo", args=[photo.pk, "thumbnail"]) in detail(
        resident_client, complaint
    )


def test_timeline_shows_a_revisit_and_an_automatic_close(
    resident_client, resident, agent, handler, engineering, category, system_user
):
    """A close by the confirmation job and customer service's call-back are explained."""
    from factories import complaint_walk

    complaint = complaint_walk(
        ComplaintFactory(resident=resident),
        "handled",
        agent=agent,
        handler=handler,
        team=engineering,
        category=category,
    )
    services.complaint_close(complaint_id=complaint.pk, actor=system_user, reason="auto-confirmed")
    services.complaint_revisit(complaint_id=complaint.pk, actor=agent, note="Happy.")
    content = detail(resident_client, complaint)
    assert "Closed automatically: no reply was received." in content
    assert "Customer service called you back" in content


def test_resident_sees_their_photos_and_a_neighbour_does_not(
    resident_client, neighbour_client, resident
):
    """Photos are served only to someone who may see the complaint."""
    complaint = ComplaintFactory(resident=resident, photos=[image_upload("mine.jpg")])
    photo = complaint.photos.get()
    for variant in ("image", "thumbnail"):
        url = reverse("complaints:photo", args=[photo.pk, variant])
        response = resident_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert neighbour_client.get(url).status_code == 404


def test_detail_shows_the_promise_and_the_facts(resident_client, resident):
    """The detail page repeats where, when to call and the level's promise."""
    complaint = ComplaintFactory(
        resident=resident,
        description="Corridor light flickers",
        location_text="Floor 12 corridor",
        preferred_contact_time="Weekends",
    )
    content = detail(resident_client, complaint)
    assert "Corridor light flickers" in content
    assert "Floor 12 corridor" in content
    assert "Weekends" in content
    assert "We will respond within 2 hours." in content


def test_a_hold_is_explained_without_the_staff_note(resident_client, walk, agent, now):
    """While on hold the page says what we wait for and until when, never the staff's
    own note; resuming is shown too."""
    complaint = walk("dispatched")
    services.complaint_hold(
        complaint_id=complaint.pk,
        actor=agent,
        reason="parts",
        resume_at=now + timedelta(days=1),
        note="supplier is slow, chase Mr Wang",
    )
    content = detail(resident_client, complaint)
    assert "Waiting for parts. Expected to continue by 2025-03-11 09:30" in content
    assert "On hold until 2025-03-11 09:30" in content
    assert "supplier is slow" not in content
    services.complaint_resume(complaint_id=complaint.pk, actor=agent)
    assert "Work resumed" in detail(resident_client, complaint)
