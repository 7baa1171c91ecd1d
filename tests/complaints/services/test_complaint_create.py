"""complaint_create: residents file for their own places; staff file on behalf of anyone
within their properties."""

import pytest
from factories import ComplaintFactory, ResidentFactory, UnitFactory, image_upload
from helpers import assert_history

from complaints.exceptions import InvalidInput, NotAllowed
from complaints.models import Channel, Complaint, Photo, State, Transition
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.services import complaint_create

pytestmark = pytest.mark.django_db


def test_resident_files_about_their_unit(now, resident, unit):
    """A web complaint about the resident's unit is new, ownerless, placed in the unit's
    building and property, uses the resident's contact details, and has a "create" row."""
    complaint = complaint_create(
        actor=resident.user, description="  Tap drips all night  ", unit=unit
    )

    complaint.refresh_from_db()
    assert complaint.state == State.NEW
    assert complaint.owner is None
    assert complaint.channel == Channel.WEB
    assert (complaint.property, complaint.building, complaint.unit) == (
        unit.building.property,
        unit.building,
        unit,
    )
    assert complaint.resident == resident
    assert complaint.description == "Tap drips all night"
    assert (complaint.contact_name, complaint.contact_phone) == (resident.name, resident.phone)
    assert complaint.created_by == resident.user
    assert complaint.created_at == now
    assert complaint.reference == f"TS{complaint.pk:08d}"
    assert_history(complaint, transition=Transition.CREATE, user=resident.user)
    assert complaint.history.count() == 1


def test_resident_files_about_a_common_area_of_their_building(now, resident, building):
    """Without a unit, a resident may report a common area of a building they live in."""
    complaint = complaint_create(
        actor=resident.user,
        description="Corridor light broken",
        building=building,
        location_text="Floor 12 corridor",
    )

    assert complaint.unit is None
    assert complaint.building == building
    assert complaint.location_text == "Floor 12 corridor"


def test_resident_cannot_file_about_a_neighbours_unit(now, resident, resident2):
    """A resident's complaint about someone else's unit is refused on the unit field."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(actor=resident.user, description="Noise", unit=resident2.units.get())

    assert excinfo.value.field == "unit"
    assert not Complaint.objects.exists()


def test_resident_cannot_file_in_a_property_where_they_do_not_live(now, resident, other_building):
    """Common areas only where the resident lives: another property is refused."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(actor=resident.user, description="Dirty lobby", building=other_building)

    assert excinfo.value.field == "building"


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.WALK_IN, Channel.IOT])
def test_resident_may_only_use_the_web_form_or_the_app(now, resident, unit, channel):
    """Staff-only channels are refused to residents (NotAllowed)."""
    with pytest.raises(NotAllowed):
        complaint_create(actor=resident.user, description="Leak", unit=unit, channel=channel)


def test_agent_files_a_phone_complaint_on_behalf_of_a_resident(now, agent, resident, unit):
    """An agent's phone intake records the resident, the agent as filer and the resident's
    contact details when none are typed."""
    complaint = complaint_create(
        actor=agent,
        description="Caller reports a leak",
        channel=Channel.PHONE,
        unit=unit,
        resident=resident,
    )

    assert complaint.resident == resident
    assert complaint.created_by == agent
    assert complaint.contact_phone == resident.phone
    assert complaint.owner is None
    assert_history(complaint, transition=Transition.CREATE, user=agent)


def test_agent_cannot_name_a_resident_of_another_property(now, agent, prop, other_building):
    """The resident named by staff must live in the complaint's property."""
    stranger = ResidentFactory(unit=UnitFactory(building=other_building))

    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(
            actor=agent,
            description="Leak",
            channel=Channel.PHONE,
            property=prop,
            resident=stranger,
        )

    assert excinfo.value.field == "resident"


def test_agent_cannot_file_in_another_property(now, agent, other_prop):
    """Staff file only within their properties."""
    with pytest.raises(NotAllowed):
        complaint_create(
            actor=agent, description="Leak", channel=Channel.PHONE, property=other_prop
        )


def test_handler_cannot_file_complaints(now, handler, prop):
    """Handlers have no add_complaint permission and are not residents: NotAllowed."""
    with pytest.raises(NotAllowed):
        complaint_create(actor=handler, description="Leak", channel=Channel.PHONE, property=prop)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": "   "}, "description"),
        ({"channel": "carrier-pigeon"}, "channel"),
        ({"property": None}, "unit"),
    ],
)
def test_bad_input_is_refused_on_its_field(now, agent, prop, kwargs, field):
    """Empty description, unknown channel and no place at all are refused per field."""
    arguments = {
        "actor": agent,
        "description": "Leak",
        "channel": Channel.PHONE,
        "property": prop,
        **kwargs,
    }
    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(**arguments)

    assert excinfo.value.field == field


def test_unit_outside_the_chosen_building_is_refused(now, agent, unit, other_building):
    """A unit and a building that do not belong together are refused on the unit field."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(
            actor=agent,
            description="Leak",
            channel=Channel.PHONE,
            building=other_building,
            unit=unit,
        )

    assert excinfo.value.field == "unit"


def test_photos_are_stored_as_evidence(now, resident, unit):
    """Photos uploaded with the complaint are re-encoded JPEGs with the "evidence" step."""
    complaint = complaint_create(
        actor=resident.user,
        description="Leak",
        unit=unit,
        photos=[image_upload("ceiling.png", fmt="PNG")],
    )

    photo = complaint.photos.get()
    assert photo.step == Photo.Step.EVIDENCE
    assert photo.original_name == "ceiling.png"
    assert photo.uploaded_by == resident.user
    assert photo.image.name.endswith(".jpg")
    assert (photo.width, photo.height) == (20, 10)


def test_too_many_photos_leave_nothing_saved(now, resident, unit):
    """More than the photo limit is refused and the complaint is not half-saved."""
    photos = [image_upload(f"p{i}.jpg") for i in range(MAX_PHOTOS_PER_COMPLAINT + 1)]

    with pytest.raises(InvalidInput) as excinfo:
        complaint_create(actor=resident.user, description="Leak", unit=unit, photos=photos)

    assert excinfo.value.field == "photos"
    assert not Complaint.objects.exists()
    assert not Photo.objects.exists()


def test_factory_files_through_the_service(now, resident):
    """ComplaintFactory goes through complaint_create (history row included)."""
    complaint = ComplaintFactory(resident=resident)

    assert complaint.history.get().transition == Transition.CREATE
