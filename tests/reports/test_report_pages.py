"""The report pages in the admin: supervisors and project managers read their
properties' reports; other roles get 403; another property's data never shows; the
page says whether its figures are final and prints its rules; the number of queries
does not grow with the data."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from factories import AgentFactory, BuildingFactory, ProjectManagerFactory, SupervisorFactory
from report_month import FEBRUARY, Case, at, build, feb

from complaints.models import MonthlySnapshot
from complaints.reports import snapshots_publish

pytestmark = pytest.mark.django_db

PAGES = ["red_black", "analysis"]
URL_NAMES = [
    f"complaints_monthlysnapshot_{name}{suffix}"
    for name in PAGES
    for suffix in ("", "_csv", "_xlsx")
]


def url(name: str, **params) -> str:
    with translation.override("en"):
        path = reverse(f"admin:{name}")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{path}?{query}" if query else path


def page(client, name: str, **params):
    return client.get(url(f"complaints_monthlysnapshot_{name}", **params))


@pytest.mark.parametrize("role", ["supervisor", "project_manager"])
def test_supervisor_and_manager_read_both_reports(request, client, month, v4_closed, prop, role):
    """Both pages answer 200 with the month's teams, the talk flag linking V1, V2 and V4
    (closed in February by `v4_closed`),
    charts drawn as inline SVG, the rules and "Not final" (February is not published)."""
    client.force_login(request.getfixturevalue(role))

    response = page(client, "red_black", month="2025-02", property=prop.pk)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not final" in content
    for name in ("Engineering", "Environment", "Security", "Na Li", "Lei Zhao"):
        assert name in content
    for name in ("V1", "V2", "V4"):
        change = reverse("admin:complaints_complaint_change", args=[month[name].pk])
        assert f'<a href="{change}">{month[name].reference}</a>' in content
    assert "Score = 50 × on-time rate + 40 × mean satisfaction / 100" in content
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="pd-chart"' in content
    assert 'reports/print.css" media="print"' in content

    response = page(client, "analysis", month="2025-02", property=prop.pk)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<svg xmlns="http://www.w3.org/2000/svg" class="pd-chart"') == 5
    assert "Door bell" in content
    assert "Building 5" in content
    # Nothing is fetched from elsewhere: the page works offline.
    assert not re.search(r'(src|href)="(https?:)?//', content)


@pytest.mark.parametrize("role", ["agent", "handler", "team_leader"])
def test_other_roles_are_refused(request, client, prop, role):
    """Agents, handlers and team leaders can view complaints but not the reports: every
    report URL and the list of published months answer 403."""
    client.force_login(request.getfixturevalue(role))
    for name in URL_NAMES:
        assert client.get(url(name, month="2025-02", property=prop.pk)).status_code == 403, name
    assert client.get(url("complaints_monthlysnapshot_changelist")).status_code == 403


def test_anonymous_is_sent_to_the_login(client, prop):
    response = page(client, "red_black", month="2025-02", property=prop.pk)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_another_propertys_supervisor_cannot_open_this_property(client, month, prop, other_prop):
    """A supervisor of Riverside Plaza gets 404 for Lakeside Garden, and by default sees
    Riverside's figures only (its breached complaint O1), none of Lakeside's."""
    outsider = SupervisorFactory(properties=[other_prop])
    client.force_login(outsider)
    for name in PAGES:
        assert page(client, name, month="2025-02", property=prop.pk).status_code == 404
        assert page(client, name + "_csv", month="2025-02", property=prop.pk).status_code == 404
    content = page(client, "red_black", month="2025-02").content.decode()
    assert "Riverside Plaza" in content
    assert "Lakeside Garden" not in content
    assert "Na Li" not in content
    assert month["O1"].reference not in content
    assert re.search(r"Property total.*?<td class=\"pd-num\">1</td>", content, re.S)


def test_a_supervisor_of_both_properties_sees_each_apart(client, month, prop, other_prop):
    """With two properties in scope, the page offers both and shows only the chosen
    one's figures."""
    both = SupervisorFactory(properties=[prop, other_prop])
    client.force_login(both)
    content = page(client, "red_black", month="2025-02", property=prop.pk).content.decode()
    assert f'<option value="{other_prop.pk}">Riverside Plaza</option>' in content
    assert "Security" in content
    assert (
        "Tower A"
        not in page(client, "analysis", month="2025-02", property=prop.pk).content.decode()
    )
    other = page(client, "analysis", month="2025-02", property=other_prop.pk).content.decode()
    assert "Tower A" in other
    assert "Building 5" not in other


def test_published_month_says_when_it_was_published(client, supervisor, month, prop):
    """After publishing, the page shows the stored figures as final, with the moment."""
    snapshots_publish(month=FEBRUARY, now=at(3, 1, 1))
    client.force_login(supervisor)
    content = page(client, "red_black", month="2025-02", property=prop.pk).content.decode()
    assert "Published 2025-03-01 01:00: final figures" in content
    assert "Not final" not in content


def test_current_month_is_live_and_not_final(client, supervisor, now, prop):
    """Without a month, and last month not published yet, the page shows the current
    month (March 2025), live."""
    client.force_login(supervisor)
    response = page(client, "analysis")
    content = response.content.decode()
    assert 'value="2025-03"' in content
    assert "Not final" in content


@pytest.mark.parametrize("name", PAGES)
def test_without_a_month_the_page_opens_on_last_months_published_report(
    client, supervisor, now, month, prop, name
):
    """Once February is published (the job on 1 March), a supervisor's first look is the
    final February report, not March's first days; the API opens on it too."""
    snapshots_publish(month=FEBRUARY, now=at(3, 1, 1))
    client.force_login(supervisor)

    content = page(client, name, property=prop.pk).content.decode()

    assert 'value="2025-02"' in content
    assert "Published 2025-03-01 01:00: final figures" in content
    kind = "red-black" if name == "red_black" else "analysis"
    answer = client.get(f"/api/v1/reports/{kind}/", {"property": prop.pk}).json()
    assert answer["month"] == "2025-02"


@pytest.mark.parametrize("value", ["2025-13", "last month", "2026-01"])
def test_bad_or_future_month_falls_back_to_this_month(client, supervisor, now, value):
    """A month that is not YYYY-MM, or has not begun, shows this month with a message."""
    client.force_login(supervisor)
    response = page(client, "red_black", month=value)
    assert response.status_code == 200
    assert 'value="2025-03"' in response.content.decode()
    assert len(list(response.context["messages"])) == 1


def test_unknown_property_is_404(client, supervisor, now):
    client.force_login(supervisor)
    assert page(client, "red_black", property="nope").status_code == 404
    assert page(client, "red_black", property="999999").status_code == 404


def test_published_months_list(client, month, prop, other_prop):
    """The list of published months shows those of the reader's properties, each linking
    to its page; nobody may add, change or delete one."""
    snapshots_publish(month=FEBRUARY, now=at(3, 1, 1))
    manager = ProjectManagerFactory(properties=[prop])
    client.force_login(manager)
    response = client.get(url("complaints_monthlysnapshot_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"?month=2025-02&amp;property={prop.pk}" in content
    assert f"property={other_prop.pk}" not in content
    assert url("complaints_monthlysnapshot_red_black") in content
    snapshot = MonthlySnapshot.objects.filter(property=prop).first()
    with translation.override("en"):
        change = reverse("admin:complaints_monthlysnapshot_change", args=[snapshot.pk])
        add = reverse("admin:complaints_monthlysnapshot_add")
    assert client.post(change, {}).status_code == 403
    assert client.get(add).status_code == 403
    index = client.get(url("index")).content.decode()
    assert "Published monthly reports" in index


@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_the_data(
    client, supervisor, month, prop, security, guard, categories, name,
    django_assert_max_num_queries,
):  # fmt: skip
    """A report page costs a fixed, small number of queries (session, user, scope,
    snapshot lookup, the report's aggregates and, on PostgreSQL, its transaction and
    settings): more complaints, owners and buildings do not add any. A published month
    costs fewer still."""
    client.force_login(supervisor)
    with django_assert_max_num_queries(25) as before:
        assert page(client, name, month="2025-02", property=prop.pk).status_code == 200
    # Read now: a request made outside a capture empties the connection's query log.
    queries_before = len(before)
    newcomer = AgentFactory(team=month["E1"].team, properties=[prop])
    for day in (10, 20):
        build(
            Case(
                team=security,
                owner=newcomer,
                handler=guard,
                category=categories["parking"],
                level=2,
                building=BuildingFactory(property=prop, name=f"Annex {day}"),
                created=feb(day),
                handled=feb(day, 12),
                closed=feb(day + 1),
                resolve_due=feb(day + 1),
                breaches=(("resolve", feb(day + 1)),),
                survey=(90, 90, 90),
            )
        )
    with django_assert_max_num_queries(25) as after:
        assert page(client, name, month="2025-02", property=prop.pk).status_code == 200
    assert len(after) == queries_before
    snapshots_publish(month=FEBRUARY, now=at(3, 1, 1))
    with django_assert_max_num_queries(10):
        assert page(client, name, month="2025-02", property=prop.pk).status_code == 200


def test_page_in_chinese(client, supervisor, month, prop):
    """The default language (Simplified Chinese) renders the page too."""
    client.force_login(supervisor)
    with translation.override("zh-hans"):
        path = reverse("admin:complaints_monthlysnapshot_red_black")
    response = client.get(path, {"month": "2025-02", "property": prop.pk})
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()
