"""The Resident admin (SPEC §3, §7): phones masked for every role in the list and on the
change page, revealed only by a logged POST, never in an input, searchable only as a
whole number by those who may reveal it; every opening of a record is logged."""

import pytest
from privacy_helpers import (
    MASKED,
    NEIGHBOUR_PHONE,
    PHONE,
    Kind,
    admin_url,
    change_form_data,
    form_nesting,
    log,
    logged_properties,
    messages,
    resident_url,
)

pytestmark = pytest.mark.django_db

READERS = ["agent", "project_manager", "supervisor"]
EDITORS = ["agent", "project_manager"]


def changelist(client, **params):
    return client.get(admin_url("buildings_resident_changelist"), params)


def listed_names(response) -> set[str]:
    return {resident.name for resident in response.context["cl"].result_list}


# --- Masking ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_phone_is_masked_in_the_list_and_on_the_change_page(request, client, resident, role):
    """Agents and project managers (who may reveal) and supervisors alike see 138****1234
    in the list and on the change page, never the whole number."""
    client.force_login(request.getfixturevalue(role))

    listing = changelist(client).content.decode()
    page = client.get(resident_url(resident)).content.decode()

    assert f'<td class="field-masked_phone">{MASKED}</td>' in listing
    assert MASKED in page
    assert PHONE not in listing
    assert PHONE not in page


# --- Editing ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_editors_get_a_new_phone_input_and_no_phone_input(request, client, resident, role):
    """The phone is in no input; who may change residents gets an empty "new phone number"
    field instead."""
    client.force_login(request.getfixturevalue(role))

    page = client.get(resident_url(resident)).content.decode()

    assert 'name="phone"' not in page
    assert 'name="new_phone"' in page
    assert 'name="new_phone" value=' not in page


def test_supervisor_has_no_phone_input_at_all(client, resident, supervisor):
    """A read-only supervisor gets neither the phone nor the new-phone input."""
    client.force_login(supervisor)

    page = client.get(resident_url(resident)).content.decode()

    assert 'name="phone"' not in page
    assert 'name="new_phone"' not in page


def test_a_new_phone_number_replaces_the_old_one(client, resident, agent):
    """A new number is saved (spaces and dashes dropped) and the saved page still masks."""
    client.force_login(agent)
    page = client.get(resident_url(resident))

    response = client.post(
        resident_url(resident),
        change_form_data(page, new_phone="139 0000-1111", _continue="1"),
        follow=True,
    )

    assert response.redirect_chain[-1] == (resident_url(resident), 302)
    resident.refresh_from_db()
    assert resident.phone == "13900001111"
    assert "13900001111" not in response.content.decode()
    assert "139****1111" in response.content.decode()


def test_a_blank_new_phone_keeps_the_current_number(client, resident, agent):
    """Saving with the new-phone field left empty changes the name only."""
    client.force_login(agent)
    page = client.get(resident_url(resident))

    response = client.post(
        resident_url(resident), change_form_data(page, name="Zhang Wei Jr.", new_phone="")
    )

    assert response.status_code == 302
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == ("Zhang Wei Jr.", PHONE)


def test_a_malformed_new_phone_is_refused(client, resident, agent):
    """Letters are not a phone number: the form comes back with the error, nothing saved."""
    client.force_login(agent)
    page = client.get(resident_url(resident))

    response = client.post(
        resident_url(resident), change_form_data(page, name="Changed", new_phone="call me")
    )

    assert response.status_code == 200
    assert "new_phone" in response.context["adminform"].form.errors
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == ("Zhang Wei", PHONE)


def test_a_supervisors_post_changes_nothing(client, resident, supervisor):
    """Without change permission a POST is refused and the number stays."""
    client.force_login(supervisor)

    response = client.post(resident_url(resident), {"name": "X", "new_phone": "13900001111"})

    assert response.status_code == 403
    resident.refresh_from_db()
    assert (resident.name, resident.phone) == ("Zhang Wei", PHONE)


# --- Revealing ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_reveal_button_is_outside_the_change_form(request, client, resident, role):
    """Who may reveal gets the button; it submits a form of its own placed after the change
    form (a form nested in the change form would be dropped by the browser)."""
    client.force_login(request.getfixturevalue(role))

    page = client.get(resident_url(resident)).content.decode()

    nesting = form_nesting(page)
    assert 'class="button pd-reveal"' in page
    assert nesting.button_forms == ["pd-reveal-phone"]
    assert "pd-reveal-phone" in nesting.parents
    assert nesting.parents["pd-reveal-phone"] == []
    assert nesting.parents["resident_form"] == []
    assert resident_url(resident, "reveal_phone") in page


@pytest.mark.parametrize("role", EDITORS)
def test_reveal_shows_the_number_in_a_message_and_logs_it(request, client, resident, role):
    """Each POST shows the whole number in a message and writes one reveal row: who, which
    resident, which property."""
    user = request.getfixturevalue(role)
    client.force_login(user)

    first = client.post(resident_url(resident, "reveal_phone"), follow=True)
    client.post(resident_url(resident, "reveal_phone"))

    assert first.redirect_chain == [(resident_url(resident), 302)]
    assert messages(first) == [f"Zhang Wei: phone {PHONE} (this view is logged)."]
    reveals = list(log(Kind.REVEAL))
    assert len(reveals) == 2
    assert {(entry.user_id, entry.resident_id) for entry in reveals} == {(user.pk, resident.pk)}
    assert logged_properties(reveals[0]) == {resident.units.get().building.property_id}


def test_reveal_needs_a_post(client, resident, agent):
    """A GET of the reveal URL goes back to the page: no number, no reveal logged."""
    client.force_login(agent)

    response = client.get(resident_url(resident, "reveal_phone"), follow=True)

    assert response.redirect_chain == [(resident_url(resident), 302)]
    assert PHONE not in response.content.decode()
    assert not log(Kind.REVEAL).exists()


def test_supervisor_gets_no_button_and_a_refused_reveal(client, resident, supervisor):
    """Without `view_contact_phone` there is no button and the POST is a 403 without the
    number; nothing is logged as revealed."""
    client.force_login(supervisor)
    assert "pd-reveal" not in client.get(resident_url(resident)).content.decode()

    response = client.post(resident_url(resident, "reveal_phone"))

    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not log(Kind.REVEAL).exists()


def test_reveal_of_another_propertys_resident_is_404(client, foreign_resident, agent):
    """A resident outside the agent's properties does not exist for the reveal."""
    client.force_login(agent)

    response = client.post(resident_url(foreign_resident, "reveal_phone"))

    assert response.status_code == 404
    assert not log().exists()


# --- Viewing is logged --------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_opening_a_record_is_logged(request, client, resident, resident2, role):
    """Each GET of a resident's change page writes a "view" row; the list does not."""
    user = request.getfixturevalue(role)
    client.force_login(user)

    changelist(client)
    client.get(resident_url(resident))
    client.get(resident_url(resident))

    views = list(log(Kind.VIEW))
    assert [(entry.user_id, entry.resident_id) for entry in views] == [
        (user.pk, resident.pk),
        (user.pk, resident.pk),
    ]
    assert logged_properties(views[0]) == {resident.units.get().building.property_id}


def test_another_propertys_record_is_neither_shown_nor_logged(client, foreign_resident, agent):
    """The change page of a resident elsewhere redirects like any unknown object; no row."""
    client.force_login(agent)

    response = client.get(resident_url(foreign_resident))

    assert response.status_code == 302
    assert not log().exists()


# --- Search -------------------------------------------------------------------------------


def test_search_by_whole_number_for_who_may_reveal(client, resident, resident2, agent):
    """An agent finds a resident by the whole number, and only by it: a prefix, a middle
    part or the last digits find nobody."""
    client.force_login(agent)

    assert listed_names(changelist(client, q=PHONE)) == {"Zhang Wei"}
    assert listed_names(changelist(client, q=NEIGHBOUR_PHONE)) == {"Wu Fang"}
    for part in ("138", "1381234", "1234", PHONE[:-1], "13"):
        assert listed_names(changelist(client, q=part)) == set(), part


def test_search_never_matches_a_phone_without_the_permission(
    client, resident, resident2, supervisor
):
    """A supervisor's search ignores phones altogether, whole numbers included; names
    still match."""
    client.force_login(supervisor)

    assert listed_names(changelist(client, q=PHONE)) == set()
    assert listed_names(changelist(client, q="138")) == set()
    assert listed_names(changelist(client, q="Zhang")) == {"Zhang Wei"}


@pytest.mark.parametrize("lookup", ["phone", "phone__startswith", "phone__contains"])
def test_phone_url_lookups_are_refused(client, resident, resident2, agent, lookup):
    """`?phone__startswith=138` and the like are refused, not used to narrow the list."""
    client.force_login(agent)

    response = changelist(client, **{lookup: "1381234"})

    assert response.status_code == 400 or listed_names(response) == {"Zhang Wei", "Wu Fang"}
