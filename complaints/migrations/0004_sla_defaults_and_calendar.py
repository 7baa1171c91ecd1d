"""SPEC §3's default windows, and the PRC calendar's exceptions from chinese-calendar."""

from datetime import timedelta

from django.db import migrations

POLICIES = [
    # level, first response, on site, resolve, working days, longest hold
    (1, timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=2), None, timedelta()),
    (2, timedelta(hours=2), None, timedelta(hours=24), None, timedelta(hours=72)),
    (3, timedelta(hours=24), None, None, 5, timedelta(days=15)),
]


def seed(apps, schema_editor):
    import chinese_calendar

    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    for level, first_response, on_site, resolve, working_days, max_hold in POLICIES:
        SlaPolicy.objects.update_or_create(
            level=level,
            defaults={
                "first_response": first_response,
                "on_site": on_site,
                "resolve": resolve,
                "resolve_working_days": working_days,
                "max_hold": max_hold,
            },
        )

    WorkdayOverride = apps.get_model("complaints", "WorkdayOverride")
    rows = {}
    for day, name in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            rows[day] = WorkdayOverride(date=day, is_workday=False, name=name)
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            rows[day] = WorkdayOverride(date=day, is_workday=True, name=f"{name} (调休)")
    WorkdayOverride.objects.bulk_create(rows.values(), ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("complaints", "SlaPolicy").objects.all().delete()
    apps.get_model("complaints", "WorkdayOverride").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_sla_holds_breaches_notifications")]

    operations = [migrations.RunPython(seed, unseed)]
