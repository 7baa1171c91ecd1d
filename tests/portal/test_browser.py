"""The resident's path end to end in a real browser: Debian's chromium, headless, at a
phone-sized viewport, against the live server. Skipped, visibly, without chromium."""

import re
from pathlib import Path

import pytest
from browser import BROWSER_TEST
from factories import PASSWORD, image_bytes

SCREENSHOT = Path(__file__).resolve().parents[2] / "test-output" / "portal-mobile.png"

pytestmark = BROWSER_TEST


@pytest.fixture
def page(chromium):
    """A 360 x 740 phone page in headless chromium."""
    context = chromium.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_resident_files_a_complaint_with_a_photo_on_a_phone(
    page, server, resident, portal_catalogue
):
    """Log in, file a complaint with a photo, find it in "my complaints" and see it with
    its photo in the timeline; the page fits a 360 px screen. Screenshot saved."""
    from complaints.models import Complaint

    page.goto(f"{server.url}/")
    page.fill("input[name=username]", "resident")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/portal/complaints/$"))

    page.click("a[href$='/portal/complaints/new/']")
    photo = page.locator("input[name=photos]")
    assert photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("multiple") is not None
    page.fill("textarea[name=description]", "卫生间天花板漏水，滴到地上。")
    page.fill("input[name=location_text]", "主卫")
    page.set_input_files(
        "input[name=photos]",
        files=[
            {
                "name": "ceiling.jpg",
                "mimeType": "image/jpeg",
                "buffer": image_bytes("JPEG", size=(640, 480), color="steelblue"),
            }
        ],
    )
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r"/portal/complaints/\d+/submitted/$"))

    complaint = Complaint.objects.get()
    assert complaint.photos.count() == 1
    assert page.inner_text(".reference") == complaint.reference
    assert "2 小时" in page.inner_text(".promise")

    page.click("a[href$='/portal/complaints/']")
    card = page.locator(".complaint", has_text=complaint.reference)
    assert card.count() == 1
    card.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/portal/complaints/{complaint.pk}/$"))

    first_step = page.locator(".timeline li").first
    assert "已提交" in first_step.inner_text()
    thumbnail = first_step.locator(".photos img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 0
