"""Suggestions at intake (issue 17): the keyword tables propose category, level and team
with their reason, stored on the complaint; the agent's classification is final, and
the share of kept suggestions is computed exactly per month and category."""

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from factories import ComplaintFactory, ResidentFactory, UnitFactory

from complaints.models import Category, CategoryKeyword, IntakeSuggestion, Level, State
from complaints.services import complaint_take_in
from complaints.services.intake_rules import category_keyword_save
from complaints.suggestions import suggestion_accuracy, suggestion_for

pytestmark = pytest.mark.django_db

SHANGHAI_FEB = datetime.fromisoformat("2025-02-14T10:00:00+08:00")
SHANGHAI_MAR = datetime.fromisoformat("2025-03-03T10:00:00+08:00")


@pytest.fixture
def codes(db):
    return {c.code: c for c in Category.objects.filter(code__in=["leak", "elevator", "garbage"])}


@pytest.fixture
def file(building):
    def _file(description):
        resident = ResidentFactory(unit=UnitFactory(building=building))
        return ComplaintFactory(resident=resident, description=description)

    return _file


def test_suggestion_names_category_level_team_and_reason(prop, engineering, file, codes):
    complaint = file("卫生间漏水，楼下天花板滴水")
    suggestion = IntakeSuggestion.objects.get(complaint=complaint)

    assert suggestion.category == codes["leak"]
    assert suggestion.level == Level.II
    assert suggestion.team == engineering
    assert suggestion.reason == "matched 滴水、漏水 → Facilities & equipment / Leaks & pipes"
    assert complaint.category is None  # a proposal only: nothing is classified


def test_emergency_text_suggests_level_one(prop, engineering, file, codes):
    complaint = file("电梯困人了")
    suggestion = IntakeSuggestion.objects.get(complaint=complaint)
    assert (suggestion.category, suggestion.level) == (codes["elevator"], Level.I)


def test_no_keyword_no_suggestion(file):
    complaint = file("Hello, a question")
    assert not IntakeSuggestion.objects.filter(complaint=complaint).exists()


def test_heavier_keywords_win(prop, codes):
    """Two categories match: more weight wins ("垃圾" and "垃圾桶" against "电梯"), and a
    heavier keyword turns it."""
    text = "电梯旁边的垃圾桶满了"
    assert suggestion_for(text, property_id=prop.pk).category.code == "garbage"
    CategoryKeyword.objects.filter(category=codes["elevator"], keyword="电梯").update(weight=3)
    from django.core.cache import cache

    cache.clear()
    assert suggestion_for(text, property_id=prop.pk).category.code == "elevator"


def test_staff_intake_gets_a_suggestion_too(agent, prop, codes):
    complaint = complaint_take_in(
        actor=agent,
        description="Caller: water leaking from the pipe",
        channel="phone",
        property=prop,
    )
    assert IntakeSuggestion.objects.get(complaint=complaint).category == codes["leak"]


def test_a_new_keyword_is_used_by_the_next_filing(file, codes, django_capture_on_commit_callbacks):
    admin = get_user_model().objects.create_superuser("hq", "hq@example.com", "x")
    before = file("地下室返潮发霉")
    assert not IntakeSuggestion.objects.filter(complaint=before).exists()

    with django_capture_on_commit_callbacks(execute=True):
        category_keyword_save(
            actor=admin,
            keyword=CategoryKeyword(category=codes["leak"], keyword="返潮", language="zh-hans"),
        )
    after = file("地下室返潮发霉")
    assert IntakeSuggestion.objects.get(complaint=after).category == codes["leak"]


def test_project_manager_cannot_edit_keywords(project_manager, codes):
    from complaints.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        category_keyword_save(
            actor=project_manager,
            keyword=CategoryKeyword(category=codes["leak"], keyword="返潮", language="zh-hans"),
        )


def test_classify_form_proposes_the_suggestion(client, agent, file, codes):
    complaint = file("水管漏水")
    from complaints.services import complaint_accept

    complaint_accept(complaint_id=complaint.pk, actor=agent)
    client.force_login(agent)
    page = client.get(reverse("admin:complaints_complaint_act", args=[complaint.pk, "classify"]))

    form = page.context["form"]
    assert form.fields["category"].initial == codes["leak"].pk
    assert "Suggested: matched 水管、漏水 → Facilities &amp; equipment / Leaks &amp; pipes" in (
        page.content.decode()
    )


@pytest.fixture
def history(time_machine, file, walk, codes, prop, other_prop):
    """February: two leak suggestions (one kept, one classified as elevator), one kept
    elevator suggestion, one garbage suggestion never classified, one complaint without a
    suggestion; March: one kept leak suggestion; another property's complaint."""
    time_machine.move_to(SHANGHAI_FEB, tick=False)
    walk(State.CLASSIFIED, complaint=file("卫生间漏水"), category=codes["leak"])
    walk(State.CLASSIFIED, complaint=file("水管漏水"), category=codes["elevator"])
    walk(State.CLASSIFIED, complaint=file("电梯门关不上"), category=codes["elevator"])
    file("垃圾桶满了")
    # In a building of its own: its neighbours' complaints would suggest their category.
    silent = ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building__property=prop)), description="Hello"
    )
    walk(State.CLASSIFIED, complaint=silent, category=codes["leak"])
    time_machine.move_to(SHANGHAI_MAR, tick=False)
    walk(State.CLASSIFIED, complaint=file("厨房漏水"), category=codes["leak"])
    ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building__property=other_prop)),
        description="漏水 elsewhere",
    )


def test_accuracy_is_exact_per_month_and_category(history, project_manager, codes):
    rows = suggestion_accuracy(project_manager)

    assert [
        (r["month"], r["category"].code, r["suggested"], r["category_kept"], r["accuracy"])
        for r in rows
    ] == [
        (date(2025, 3, 1), "leak", 1, 1, 1.0),
        (date(2025, 2, 1), "elevator", 1, 1, 1.0),
        (date(2025, 2, 1), "leak", 2, 1, 0.5),
    ]
    assert [r["level_kept"] for r in rows] == [1, 1, 2]


def test_accuracy_page_for_project_managers(client, history, project_manager, handler):
    url = reverse("admin:complaints_categorykeyword_accuracy")
    client.force_login(project_manager)
    page = client.get(url)

    assert page.status_code == 200
    content = page.content.decode()
    assert "2025-02" in content and "50%" in content
    client.force_login(handler)
    assert client.get(url).status_code == 403
