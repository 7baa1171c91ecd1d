"""New complaints now carry their provisional first-response deadline from filing
(`sla.first_response_provisional`); give the ones filed before it theirs. Frozen copy of
that rule: level I for a suspected emergency, else the chosen category's default level,
else level II; HQ's window, tightened by the property's override."""

from django.db import migrations


def backfill(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    PropertySlaOverride = apps.get_model("complaints", "PropertySlaOverride")
    policy = dict(SlaPolicy.objects.values_list("level", "first_response"))
    override = {
        (property_id, level): window
        for property_id, level, window in PropertySlaOverride.objects.filter(
            first_response__isnull=False
        ).values_list("property_id", "level", "first_response")
    }
    pending = Complaint.objects.filter(state="new", first_response_due__isnull=True).only(
        "pk", "property_id", "created_at", "suspected_emergency", "category__default_level"
    )
    for complaint in pending.select_related("category").iterator(chunk_size=500):
        if complaint.suspected_emergency:
            level = 1
        elif complaint.category_id is not None:
            level = complaint.category.default_level
        else:
            level = 2
        window = override.get((complaint.property_id, level), policy[level])
        Complaint.objects.filter(pk=complaint.pk).update(
            first_response_due=complaint.created_at + window
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0014_personal_data_access")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
