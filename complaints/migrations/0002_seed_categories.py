"""The categories of SPEC §3, in Simplified Chinese and English."""

from django.db import migrations

ENGINEERING, ENVIRONMENT, SECURITY, SERVICE, MANAGEMENT = (
    "engineering",
    "environment",
    "security",
    "customer_service",
    "management",
)

# (code, zh-hans, en, default team, default level, needs photos, children)
CATEGORIES = [
    ("facilities", "设施设备", "Facilities & equipment", ENGINEERING, 2, True, [
        ("elevator", "电梯", "Elevator", ENGINEERING, 2, True),
        ("water-power", "供水供电", "Water & power supply", ENGINEERING, 2, True),
        ("lighting", "公共照明", "Public lighting", ENGINEERING, 2, True),
        ("leak", "渗漏与管道", "Leaks & pipes", ENGINEERING, 2, True),
        ("fire-safety", "消防安全", "Fire safety", ENGINEERING, 1, True),
    ]),
    ("environment", "环境卫生", "Environment & sanitation", ENVIRONMENT, 2, True, [
        ("garbage", "垃圾清运", "Garbage removal", ENVIRONMENT, 2, True),
        ("cleaning", "保洁", "Cleaning", ENVIRONMENT, 2, True),
        ("greening", "绿化", "Greening", ENVIRONMENT, 2, True),
    ]),
    ("security", "安保秩序", "Security & order", SECURITY, 2, False, [
        ("parking", "停车管理", "Parking", SECURITY, 2, False),
        ("outsiders", "外来人员", "Outsiders", SECURITY, 2, False),
        ("safety-hazard", "安全隐患", "Safety hazard", SECURITY, 1, True),
    ]),
    ("neighbour-dispute", "邻里纠纷", "Neighbour dispute", MANAGEMENT, 2, False, []),
    ("fees", "费用", "Fees", SERVICE, 2, False, []),
    ("service-attitude", "服务态度", "Service attitude & standards", SERVICE, 2, False, []),
    ("suggestion", "建议", "Suggestion", SERVICE, 3, False, []),
]


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    position = 0
    for code, zh, en, team, level, photos, children in CATEGORIES:
        position += 10
        parent, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "name_zh_hans": zh,
                "name_en": en,
                "default_team_kind": team,
                "default_level": level,
                "needs_photos": photos,
                "position": position,
            },
        )
        for child_code, child_zh, child_en, child_team, child_level, child_photos in children:
            position += 1
            Category.objects.update_or_create(
                code=child_code,
                defaults={
                    "parent": parent,
                    "name_zh_hans": child_zh,
                    "name_en": child_en,
                    "default_team_kind": child_team,
                    "default_level": child_level,
                    "needs_photos": child_photos,
                    "position": position,
                },
            )


def unseed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Category.objects.exclude(parent=None).delete()
    Category.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
