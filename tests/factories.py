"""Factories for places, people and complaints.

Staff users are made by `staff.services.staff_create`, so their role groups and
permissions are the real ones from the data migration. Complaints are filed by
`complaints.services.complaint_create` and moved on only through the services
(`complaint_walk`), so every test complaint carries a real history.
"""

import io
import struct
import zlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints import services
from complaints.models import Category, Channel, Complaint, State
from staff.models import Role, Team
from staff.services import staff_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class PropertyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Property

    name = factory.Sequence(lambda n: f"Garden Court {n}")
    kind = Property.Kind.RESIDENTIAL
    city = "Shanghai"
    address = factory.Sequence(lambda n: f"{n} Century Avenue")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    property = factory.SubFactory(PropertyFactory)
    name = factory.Sequence(lambda n: f"Building {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    entrance = "1"
    floor = 3
    number = factory.Sequence(lambda n: f"{300 + n}")


class ResidentFactory(factory.django.DjangoModelFactory):
    """A resident with a login and one residency (`unit=` picks the unit, else a new one)."""

    class Meta:
        model = Resident
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"resident{n}"))
    name = factory.Sequence(lambda n: f"Resident {n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @factory.post_generation
    def unit(self, create, extracted, **kwargs):
        if not create:
            return
        unit = extracted if extracted is not None else UnitFactory()
        Residency.objects.create(
            resident=self, unit=unit, relation=kwargs.get("relation", Residency.Relation.OWNER)
        )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    property = factory.SubFactory(PropertyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.ENGINEERING


class CategoryFactory(factory.django.DjangoModelFactory):
    """A category that does not ask for photos unless told to."""

    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"test-category-{n}")
    name_zh_hans = factory.Sequence(lambda n: f"测试类别{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")
    default_team_kind = Team.Kind.ENGINEERING
    default_level = 2
    needs_photos = False


class StaffFactory(factory.Factory):
    """A staff user created through `staff_create` (role group, is_staff, profile).

    `properties` defaults to the team's property, or a new property when no team is given.
    """

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"staff{n}")
    password = PASSWORD
    role = Role.AGENT
    team = None
    properties = factory.LazyAttribute(
        lambda o: [o.team.property] if o.team is not None else [PropertyFactory()]
    )
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Wang"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return staff_create(**kwargs)


class AgentFactory(StaffFactory):
    role = Role.AGENT
    username = factory.Sequence(lambda n: f"agent{n}")


class HandlerFactory(StaffFactory):
    role = Role.HANDLER
    username = factory.Sequence(lambda n: f"handler{n}")


class TeamLeaderFactory(StaffFactory):
    role = Role.TEAM_LEADER
    username = factory.Sequence(lambda n: f"leader{n}")


class ProjectManagerFactory(StaffFactory):
    role = Role.PROJECT_MANAGER
    username = factory.Sequence(lambda n: f"manager{n}")


class SupervisorFactory(StaffFactory):
    role = Role.SUPERVISOR
    username = factory.Sequence(lambda n: f"supervisor{n}")


class ComplaintFactory(factory.Factory):
    """A complaint filed through `complaint_create`.

    By default a new resident files about their own unit on the web form; pass
    `actor=agent, resident=None, property=..., channel=Channel.PHONE` for staff intake.
    """

    class Meta:
        model = Complaint

    resident = factory.SubFactory(ResidentFactory)
    actor = factory.LazyAttribute(lambda o: o.resident.user)
    unit = factory.LazyAttribute(
        lambda o: o.resident.units.first() if o.resident is not None else None
    )
    description = factory.Sequence(lambda n: f"Water dripping from the ceiling, report {n}")
    channel = Channel.WEB

    @classmethod
    def _create(cls, model_class, **kwargs):
        return services.complaint_create(**kwargs)


# --- Images ------------------------------------------------------------------------------


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (20, 10),
    *,
    mode: str = "RGB",
    color="red",
    exif: Image.Exif | None = None,
) -> bytes:
    buffer = io.BytesIO()
    image = Image.new(mode, size, color)
    kwargs = {"exif": exif.tobytes()} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def image_upload(name: str = "photo.jpg", content: bytes | None = None, **kwargs):
    """An uploaded file as a browser would send it (content_type from the name only)."""
    if content is None:
        content = image_bytes(**kwargs)
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bytes_declaring(width: int, height: int, *, idat: bytes | None = None) -> bytes:
    """A grayscale PNG whose header declares width x height; pixel data is `idat` (raw
    zlib stream), empty by default, so the file stays tiny whatever it claims."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat if idat is not None else zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )


def png_decompression_bomb(side: int = 10_000) -> bytes:
    """A valid, all-black side x side PNG that compresses to a few hundred KB."""
    row = b"\x00" * (side + 1)  # filter byte + pixels
    compressor = zlib.compressobj(1)
    rows_per_chunk = 100
    chunk = row * rows_per_chunk
    parts = [compressor.compress(chunk) for _ in range(side // rows_per_chunk)]
    parts.append(compressor.flush())
    return png_bytes_declaring(side, side, idat=b"".join(parts))


# --- Walking a complaint through its lifecycle --------------------------------------------

PATHS: dict[str, list[str]] = {
    State.NEW: [],
    State.ACCEPTED: ["accept"],
    State.CLASSIFIED: ["accept", "classify"],
    State.DISPATCHED: ["accept", "classify", "dispatch"],
    State.HANDLED: ["accept", "classify", "dispatch", "handle"],
    State.CLOSED: ["accept", "classify", "dispatch", "handle", "close"],
    State.REVISITED: ["accept", "classify", "dispatch", "handle", "close", "revisit"],
    State.REOPENED: ["accept", "classify", "dispatch", "handle", "close", "reopen"],
    State.WITHDRAWN: ["withdraw"],
    State.MERGED: ["merge"],
}


def complaint_walk(
    complaint: Complaint,
    to: str,
    *,
    agent,
    handler,
    team: Team,
    category: Category | None = None,
) -> Complaint:
    """Move a new complaint to state `to` through the real services.

    `agent` accepts, classifies, dispatches (to `team`, assigned to `handler`), revisits,
    reopens (by recording the revisit as not solved) and merges; `handler` handles (with
    an after photo when the category needs one); the complaint's resident confirms
    (closes) and withdraws, or the agent closes with a reason when nobody filed it as a
    resident.
    """
    assert complaint.state == State.NEW, "complaint_walk starts from a new complaint"
    pk = complaint.pk
    for step in PATHS[to]:
        if step == "accept":
            complaint = services.complaint_accept(complaint_id=pk, actor=agent)
        elif step == "classify":
            category = category or CategoryFactory()
            complaint = services.complaint_classify(complaint_id=pk, actor=agent, category=category)
        elif step == "dispatch":
            complaint = services.complaint_dispatch(
                complaint_id=pk, actor=agent, team=team, assignee=handler
            )
        elif step == "handle":
            after = [image_upload("after.jpg")] if complaint.category.needs_photos else []
            complaint = services.complaint_handle(
                complaint_id=pk, actor=handler, note="Replaced the seal.", after_photos=after
            )
        elif step == "close":
            if complaint.resident_id is not None:
                complaint = services.complaint_close(complaint_id=pk, actor=complaint.resident.user)
            else:
                complaint = services.complaint_close(
                    complaint_id=pk, actor=agent, reason="Resident unreachable"
                )
        elif step == "revisit":
            complaint = services.complaint_revisit(
                complaint_id=pk, actor=agent, note="Resident is satisfied."
            )
        elif step == "reopen":
            # Staff reopen a closed complaint through the revisit (SPEC §3).
            complaint = services.complaint_revisit(
                complaint_id=pk, actor=agent, note="Leaking again.", solved=False
            )
        elif step == "withdraw":
            complaint = services.complaint_withdraw(complaint_id=pk, actor=complaint.resident.user)
        elif step == "merge":
            original = ComplaintFactory(
                actor=agent,
                resident=None,
                property=complaint.property,
                channel=Channel.PHONE,
                description="The same leak, reported by phone first.",
            )
            complaint = services.complaint_merge(complaint_id=pk, actor=agent, into_id=original.pk)
    complaint.refresh_from_db()
    assert complaint.state == to
    return complaint
