"""The README's picture of a resident's timeline, taken in a real browser on a phone from
the demo: resident4's bathroom leak, filed with a photo, fixed, reported not fixed, fixed
again, confirmed and rated. With PROPERTYDESK_SCREENSHOTS=1 the picture goes to
docs/screenshots/resident-timeline.png, else to a temporary directory."""

import os
import re
from io import StringIO
from pathlib import Path

from browser import BROWSER_TEST
from django.core.management import call_command

from complaints.models import Complaint, Transition

pytestmark = BROWSER_TEST

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# What the page shows that a phone must not scroll sideways for, and whether each
# photo of the timeline has loaded.
MEASURE = """() => ({
  page: document.documentElement.scrollWidth,
  width: window.innerWidth,
  entries: [...document.querySelectorAll('.timeline li')].map(li => li.innerText),
  photos: [...document.querySelectorAll('.timeline .photos img')]
    .map(img => img.complete && img.naturalWidth > 0),
})"""


def test_resident_follows_a_reopened_complaint_on_a_phone(chromium, server, tmp_path):
    """resident4 logs in to the portal of the seeded demo on a 390 px phone and opens her
    bathroom leak: its timeline tells every step in order, her reason for reopening
    among them, with her photo and the repairs' after photos loaded, and the page needs
    no sideways scroll."""
    call_command("seed_demo", stdout=StringIO())
    complaint = Complaint.objects.get(
        resident__user__username="resident4", description__startswith="卫生间天花板渗水"
    )
    history = complaint.history.order_by("history_date")
    assert list(history.values_list("transition", flat=True)).count(Transition.REOPEN) == 1
    assert complaint.photos.count() >= 3

    context = chromium.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/")
        page.fill("input[name=username]", "resident4")
        page.fill("input[name=password]", "demo12345")
        page.click("button[type=submit].primary")
        page.wait_for_url(re.compile(r"/portal/complaints/$"))
        page.locator(".complaint", has_text=complaint.reference).locator("a").first.click()
        page.wait_for_url(re.compile(rf"/portal/complaints/{complaint.pk}/$"))
        for image in page.locator(".timeline .photos img").all():
            image.scroll_into_view_if_needed()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
            )
        figures = page.evaluate(MEASURE)
        page.evaluate("window.scrollTo(0, 0)")
        folder = SCREENSHOTS if os.environ.get("PROPERTYDESK_SCREENSHOTS") == "1" else tmp_path
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "resident-timeline.png"), full_page=True)
    finally:
        context.close()

    print(figures)
    assert figures["page"] <= figures["width"], figures
    entries = figures["entries"]
    assert len(entries) >= 9, entries
    assert entries[0].find("已提交") != -1, entries
    reopened = next(i for i, text in enumerate(entries) if "师傅走了没多久又开始滴水了" in text)
    fixed = [i for i, text in enumerate(entries) if "已查明渗漏点" in text]
    assert len(fixed) == 2 and fixed[0] < reopened < fixed[1], entries
    assert len(figures["photos"]) >= 3 and all(figures["photos"]), figures
