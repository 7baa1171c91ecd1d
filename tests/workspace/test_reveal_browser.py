"""The "show the whole phone number" buttons in a real browser: the complaint page and the
resident page each reveal the number in a message and log it. (A form nested inside the
admin's change form is dropped by browsers; under the test client such a button seemed to
work while every browser posted the change form instead and got a 403.)"""

import pytest
from browser import BROWSER_TEST
from factories import ComplaintFactory
from workspace_helpers import browser_log_in

from complaints.models import PersonalDataAccess

pytestmark = BROWSER_TEST

PHONE = "13812341234"


@pytest.mark.parametrize("where", ["complaint", "resident"])
def test_agent_reveals_the_number_by_clicking_the_button(page, server, agent, resident, where):
    """The agent opens the page, sees the masked number, clicks the button and reads the
    whole number in the message; one reveal is logged."""
    resident.phone = PHONE
    resident.save()
    complaint = ComplaintFactory(resident=resident, contact_phone=PHONE)
    obj = complaint if where == "complaint" else resident
    path = f"/en/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    reveals = PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.REVEAL)
    browser_log_in(page, server.url, agent)

    page.goto(f"{server.url}{path}")
    assert PHONE not in page.content()
    assert "138****1234" in page.content()
    with page.expect_navigation():
        page.click("button.pd-reveal")

    assert page.url.endswith(path)
    assert PHONE in page.locator("ul.messagelist").inner_text()
    assert reveals.count() == 1
