"""The staff tables fit the screens they are used on (issue 13, item 5), measured in a real
browser with demo-like data (Chinese names, long team names): the complaint list and the
red/black list fit 1366×768 without scrolling sideways, in Chinese and in English, with
every state on one line; a handler's queue is readable on a 390×844 phone."""

import os
from pathlib import Path

import pytest
from browser import BROWSER_TEST
from factories import ComplaintFactory, HandlerFactory, TeamFactory
from workspace_helpers import browser_log_in

from complaints.models import State
from staff.models import Team

pytestmark = BROWSER_TEST

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PREFIX = {"zh-hans": "", "en": "/en"}

# Everything that can overflow: the page, and the boxes that scroll their table inside.
MEASURE = """() => {
  const boxes = [...document.querySelectorAll('.results, .pd-wide, .pd-pair-table')];
  const tables = [...document.querySelectorAll('#result_list, .pd-report-table')];
  const states = [...document.querySelectorAll('#result_list .pd-state')];
  const row = document.querySelector('#result_list tbody tr');
  return {
    page: document.documentElement.scrollWidth,
    width: window.innerWidth,
    boxes: boxes.map(b => [b.className, b.scrollWidth, b.clientWidth]),
    tables: tables.map(t => [t.id, Math.round(t.getBoundingClientRect().right)]),
    states: states.map(s => s.getClientRects().length),
    rows: document.querySelectorAll('#result_list tbody tr').length,
    row: row ? Math.round(row.getBoundingClientRect().width) : 0,
    names: [...document.querySelectorAll(
      '#pd-table-teams tbody td:nth-child(3), #pd-table-ranking tbody td:nth-child(2)')]
      .map(td => { const r = document.createRange(); r.selectNodeContents(td);
                   return [td.textContent, r.getClientRects().length]; }),
    broken: [...document.querySelectorAll(
      '#result_list td.field-category, #result_list td.field-team_name')]
      .flatMap(td => [...td.textContent.matchAll(/[A-Za-z]{2,}/g)].map(m => [td, m]))
      .filter(([td, m]) => { const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
        for (let node; (node = walker.nextNode());) {
          const at = node.data.indexOf(m[0]);
          if (at < 0) continue;
          const r = document.createRange(); r.setStart(node, at); r.setEnd(node, at + m[0].length);
          return r.getClientRects().length > 1;
        }
        return false; })
      .map(([td, m]) => m[0]),
    layout: ['#nav-sidebar', '#toggle-nav-sidebar', '#content', '#changelist-filter']
      .map(s => [s, document.querySelector(s)])
      .map(([s, e]) => [s, e ? Math.round(e.getBoundingClientRect().width) : null]),
  };
}"""


@pytest.fixture
def demo(
    prop, engineering, environment, customer_service, walk, agent, handler, resident, category
):
    """Demo-like data: Chinese names of people, long team and category names, complaints
    in every open state (one a new suspected emergency) and two closed this month for the
    red/black list."""
    prop.name = "湖畔花园二期（西区）"
    prop.save()
    category.name_en = "Environment & sanitation / Cleaning of common areas"
    category.name_zh_hans = "环境卫生 / 公共区域保洁"
    category.save()
    for team, name in (
        (engineering, "工程维修部（设备设施与电梯维保）"),
        (environment, "环境部（保洁与绿化养护）"),
        (customer_service, "客服中心（前台与热线）"),
    ):
        team.name = name
        team.save()
    for user, (last, first) in ((agent, ("王", "丽")), (handler, ("张", "伟"))):
        user.last_name, user.first_name = last, first
        user.save()
    security = TeamFactory(
        property=prop, name="秩序维护部（安防与停车管理）", kind=Team.Kind.SECURITY
    )
    HandlerFactory(team=security, first_name="磊", last_name="吴")
    ComplaintFactory(resident=resident, description="水管爆管了，水已经漫到楼道")
    for state in (
        State.NEW,
        State.ACCEPTED,
        State.CLASSIFIED,
        State.DISPATCHED,
        State.DISPATCHED,
        State.HANDLED,
        State.REOPENED,
        State.CLOSED,
        State.CLOSED,
    ):
        complaint = ComplaintFactory(
            resident=resident,
            description="楼道灯不亮，已经三天了，晚上回家很不方便，请尽快派人维修",
            location_text="3号楼2单元12层电梯厅东侧",
        )
        walk(state, complaint=complaint)
    return prop


def screenshots(tmp_path: Path) -> Path:
    """docs/screenshots with PROPERTYDESK_SCREENSHOTS=1, else a temporary directory."""
    folder = SCREENSHOTS if os.environ.get("PROPERTYDESK_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(chromium, width: int, height: int, **options):
    context = chromium.new_context(viewport={"width": width, "height": height}, **options)
    context.set_default_timeout(15_000)
    return context, context.new_page()


def assert_fits(figures: dict) -> None:
    assert figures["page"] <= figures["width"], figures
    for name, scroll, client in figures["boxes"]:
        assert scroll <= client, (name, figures)
    for name, right in figures["tables"]:
        assert right <= figures["width"], (name, figures)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_complaint_list_and_red_black_list_fit_1366(
    chromium, server, demo, project_manager, language
):
    """At 1366×768 the complaint list and the red/black list need no sideways scroll, in
    the page or inside a table's box, every state badge is one line and no category or
    team name breaks inside a word."""
    context, page = open_page(chromium, 1366, 768)
    try:
        browser_log_in(page, server.url, project_manager, PREFIX[language])
        base = f"{server.url}{PREFIX[language]}/admin/complaints"

        page.goto(f"{base}/complaint/")
        listed = page.evaluate(MEASURE)
        page.goto(f"{base}/monthlysnapshot/red-black/?property={demo.pk}")
        report = page.evaluate(MEASURE)
    finally:
        context.close()

    print(language, "list", listed)
    print(language, "red/black", report)
    assert listed["rows"] == 10
    assert_fits(listed)
    assert listed["states"] and set(listed["states"]) == {1}, listed
    assert listed["broken"] == [], listed
    assert_fits(report)
    assert report["names"], report
    for name, lines in report["names"]:
        assert lines <= 2, (name, report)


def test_handlers_queue_is_readable_on_a_phone(chromium, server, demo, handler, tmp_path):
    """On a 390×844 phone the handler's queue needs no sideways scroll and each row is
    a card as wide as the screen, its state on one line."""
    context, page = open_page(chromium, 390, 844, is_mobile=True, has_touch=True)
    try:
        browser_log_in(page, server.url, handler, PREFIX["zh-hans"])
        page.goto(f"{server.url}/admin/complaints/complaint/?queue=mine")
        figures = page.evaluate(MEASURE)
        page.screenshot(path=str(screenshots(tmp_path) / "handler-queue-phone.png"))
    finally:
        context.close()

    print("phone", figures)
    assert figures["rows"] >= 3
    assert_fits(figures)
    assert set(figures["states"]) == {1}, figures
    assert figures["row"] <= figures["width"], figures


def test_agent_queue_screenshot(chromium, server, demo, agent, tmp_path):
    """The agent's queue fits 1366×768; with PROPERTYDESK_SCREENSHOTS=1 its picture goes
    to docs/screenshots/agent-queue.png (else to a temporary directory)."""
    context, page = open_page(chromium, 1366, 768)
    try:
        browser_log_in(page, server.url, agent, PREFIX["zh-hans"])
        page.goto(f"{server.url}/admin/complaints/complaint/?queue=mine")
        figures = page.evaluate(MEASURE)
        page.screenshot(path=str(screenshots(tmp_path) / "agent-queue.png"))
    finally:
        context.close()

    assert_fits(figures)


OVERLAPS = """() => {
  const box = e => e.getBoundingClientRect();
  const cross = (a, b) =>
    a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const headings = [...document.querySelectorAll('#content > h1, #content > h2')].map(box);
  const buttons = [...document.querySelectorAll('.object-tools a')].map(box);
  return {
    buttons: buttons.length,
    over: buttons.filter(b => headings.some(h => cross(b, h))).length,
    page: document.documentElement.scrollWidth,
    width: window.innerWidth,
  };
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_a_complaints_buttons_leave_its_title_readable(
    chromium, server, demo, agent, width, height
):
    """The action buttons of a complaint the agent may act on (seven of them) cover
    neither the page's title nor the complaint's, on a desktop or a phone."""
    complaint = demo.complaints.filter(state=State.DISPATCHED, owner=agent).first()
    context, page = open_page(chromium, width, height)
    try:
        browser_log_in(page, server.url, agent, PREFIX["zh-hans"])
        page.goto(f"{server.url}/admin/complaints/complaint/{complaint.pk}/change/")
        figures = page.evaluate(OVERLAPS)
    finally:
        context.close()

    print(width, figures)
    assert figures["buttons"] >= 5, figures
    assert figures["over"] == 0, figures
    assert figures["page"] <= figures["width"], figures
