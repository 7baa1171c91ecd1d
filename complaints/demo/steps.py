"""Each step of a story, taken through its service by the person who would take it: the
resident, an agent, the owner, a handler of the team, the project manager, the system
actor. The clock is set to the step's moment by the caller."""

import io
import random
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from PIL import Image, ImageDraw

from complaints import services
from complaints.demo.people import People, chinese_name
from complaints.demo.places import Places
from complaints.demo.stories.story import (
    ACCEPT,
    AUTO_CONFIRMED,
    CLASSIFY,
    CLOSE,
    DISPATCH,
    HANDLE,
    MERGE,
    MISROUTE,
    ON_SITE,
    REOPEN,
    REVISIT,
    SURVEY,
    TRANSFER,
    WITHDRAW,
    Story,
)
from complaints.models import Category, Channel, Complaint, Level, State
from staff.models import Role, Team

HANDLE_NOTES = {
    "elevator": "已联系电梯维保单位到场，更换导靴衬垫并调整平层，试运行正常。",
    "water-power": "已排查供水管路，更换损坏阀门并恢复供水，水压测试正常。",
    "lighting": "已更换损坏的灯具和声控开关，逐层测试照明正常。",
    "leak": "已查明渗漏点，重新做防水处理并疏通排水，观察 24 小时无渗漏。",
    "fire-safety": "已清理消防通道杂物、劝离电动车，更换消防栓箱门锁。",
    "facilities": "已检修空调末端风机盘管并清洗滤网，出风温度恢复正常。",
    "garbage": "已安排清运车清运，垃圾点冲洗消毒，调整为每日两次清运。",
    "cleaning": "已安排保洁全面清扫并消毒，增加该区域巡查频次。",
    "greening": "已安排绿化班组修剪草坪和树枝，清理枯枝杂草。",
    "parking": "已联系车主挪车并张贴违停告知单，加强该区域巡逻。",
    "outsiders": "已加强出入口登记和夜间巡逻，清理张贴的小广告。",
    "safety-hazard": "已拉设警戒线，安排高空作业人员清除松动瓷砖并加固。",
    "neighbour-dispute": "已上门分别与双方沟通，双方同意各自调整，物业后续跟进。",
    "fees": "已核对账单，确认多收公摊电费，财务将在下期账单中退还。",
    "service-attitude": "已约谈当事员工并进行服务规范培训，向住户致歉。",
    "suggestion": "建议已提交项目部研究，已书面回复住户处理计划。",
}
REVISIT_NOTES = (
    "电话回访住户，对处理结果满意，感谢物业及时处理。",
    "回访住户：问题已解决，对维修师傅的态度表示认可。",
    "回访住户：基本满意，希望以后响应能更快一些。",
    "回访住户：表示满意，建议定期巡查同类问题。",
)
REDISPATCH_AFTER_REOPEN = "住户反映问题未解决，二次派单处理。"
OWNER_CLOSE_REASON = "住户电话确认已处理完毕，同意关闭。"
CONTACT_TIMES = ("", "", "工作日 18:00 以后", "周末全天", "上午 9:00–11:00")
SURVEY_COMMENTS = ("", "", "师傅很专业，处理得很及时。", "整体满意，继续保持。")
# A pleased resident's stars in the portal (4 or 5; a star is 20 points).
HAPPY_STARS = (80, 100, 100)


def photo(name: str, rng: random.Random) -> SimpleUploadedFile:
    """A small made-up JPEG: a plain background with a few rectangles."""
    image = Image.new("RGB", (320, 240), tuple(rng.randrange(90, 200) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(5):
        x, y = rng.randrange(280), rng.randrange(200)
        box = (x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90))
        draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class Standing(NamedTuple):
    """Where a complaint stands before a step: what the step needs to know of it."""

    pk: int
    owner_id: int | None
    resident__user_id: int | None
    assignee_id: int | None
    team_id: int | None
    reopen_count: int
    state: str


class Teller:
    """Files each story's complaint and takes it through its steps, one call at a time."""

    def __init__(self, places: Places, people: People, *, rng: random.Random) -> None:
        self.places = places
        self.people = people
        self.rng = rng
        self.categories = {c.code: c for c in Category.objects.all()}
        self.complaints: dict[str, Complaint] = {}
        self.filers: dict[str, AbstractBaseUser] = {}
        self._handlers: dict[int, list[int]] = {}

    def file(self, story: Story) -> Complaint:
        places, people, rng = self.places, self.people, self.rng
        building = places.buildings[story.property, story.building] if story.building else None
        resident = unit = None
        if story.with_resident:
            candidates = [
                r
                for r in people.residents[story.property]
                if building is None
                or any(u.building_id == building.pk for u in people.resident_units[r.pk])
            ]
            resident = people.by_username.get(story.resident) or rng.choice(candidates)
            if story.place == "unit":
                unit = next(
                    u
                    for u in people.resident_units[resident.pk]
                    if building is None or u.building_id == building.pk
                )
        if story.channel in services.RESIDENT_CHANNELS:
            filer = people.users[resident.user_id]
        elif story.channel == Channel.IOT:
            filer = people.system
        else:
            filer = rng.choice(people.agents[story.property])
        complaint = services.complaint_create(
            actor=filer,
            description=story.text,
            channel=story.channel,
            property=places.properties[story.property],
            building=building if story.place != "property" else None,
            unit=unit,
            location_text=story.location,
            resident=resident,
            contact_name=story.contact[0],
            contact_phone=story.contact[1],
            preferred_contact_time=rng.choice(CONTACT_TIMES) if resident else "",
            photos=[photo("现场照片.jpg", rng)] if story.evidence_photo else [],
        )
        self.complaints[story.key] = complaint
        self.filers[story.key] = filer
        return complaint

    def take(self, story: Story, step: str, *, previous: str) -> None:
        """Take one step of the story after `previous` (empty after the filing)."""
        pk = self.complaints[story.key].pk
        # What the jobs may have changed since the last step, and no more.
        standing = Standing(
            pk,
            *Complaint.objects.filter(pk=pk).values_list(*Standing._fields[1:]).get(),
        )
        complaint = self._take(story, step, previous, standing)
        if complaint is not None:
            self.complaints[story.key] = complaint

    def _assignee(self, team: Team) -> AbstractBaseUser:
        users = self.people.users
        if team.pk not in self._handlers:
            self._handlers[team.pk] = list(
                team.members.filter(role=Role.HANDLER).values_list("user_id", flat=True)
            )
        members = [users[uid] for uid in self._handlers[team.pk]]
        if members and self.rng.random() < 0.8:
            return self.rng.choice(members)
        return users[team.leader_id]

    def _take(
        self, story: Story, step: str, previous: str, complaint: Standing
    ) -> Complaint | None:
        """The step through its service; the complaint it returns, if it returns one."""
        people, rng = self.people, self.rng
        pk = complaint.pk
        owner = people.users.get(complaint.owner_id)
        resident_user = people.users.get(complaint.resident__user_id)
        agents = people.agents[story.property]
        agent = rng.choice(agents)
        category = self.categories[story.category]
        if step == ACCEPT:
            # 首问负责: whoever took the call or the walk-in owns it.
            filer = self.filers[story.key]
            actor = filer if filer in agents else agent
            return services.complaint_accept(complaint_id=pk, actor=actor)
        if step == CLASSIFY:
            reason = ""
            if story.level and story.level != category.default_level:
                reason = "核实为紧急情况，按 I 级响应。" if story.level == Level.I else "调整级别。"
            return services.complaint_classify(
                complaint_id=pk, actor=owner, category=category, level=story.level, reason=reason
            )
        if step in (MISROUTE, DISPATCH):
            kind = story.misroute_team if step == MISROUTE else category.default_team_kind
            team = self.places.teams[story.property, kind or Team.Kind.CUSTOMER_SERVICE]
            reason = ""
            if previous == REOPEN:
                reason = REDISPATCH_AFTER_REOPEN
            elif complaint.team_id is not None and complaint.team_id != team.pk:
                reason = story.redispatch_reason
            return services.complaint_dispatch(
                complaint_id=pk,
                actor=owner,
                team=team,
                assignee=self._assignee(team),
                reason=reason,
            )
        if step == ON_SITE:
            return services.complaint_mark_on_site(
                complaint_id=pk, actor=people.users[complaint.assignee_id]
            )
        if step == TRANSFER:
            new_owner = next(a for a in agents if a.pk != owner.pk)
            return services.complaint_transfer_ownership(
                complaint_id=pk,
                actor=people.managers[story.property],
                new_owner=new_owner,
                reason=f"{chinese_name(owner)}轮休，转交{chinese_name(new_owner)}继续跟进。",
            )
        if step == HANDLE:
            photos = category.needs_photos
            note = HANDLE_NOTES.get(category.code, "已处理完毕。")
            return services.complaint_handle(
                complaint_id=pk,
                actor=people.users[complaint.assignee_id],
                note=f"复查后重新处理：{note}" if complaint.reopen_count else note,
                before_photos=[photo("处理前.jpg", rng)] if photos else [],
                after_photos=[photo("处理后.jpg", rng)] if photos else [],
            )
        if step == CLOSE:
            if story.close_by == "resident" and resident_user is not None:
                actor, reason = resident_user, story.close_reason
            else:
                actor, reason = owner, story.close_reason or OWNER_CLOSE_REASON
            return services.complaint_close(complaint_id=pk, actor=actor, reason=reason)
        if step == AUTO_CONFIRMED:
            if complaint.state != State.CLOSED:
                raise CommandError(
                    f"Demo complaint {story.key!r} should have been closed by the "
                    f"auto-confirm job by now; it is {complaint.state}."
                )
            return None
        if step == SURVEY:
            solved, speed, attitude = story.scores or (
                rng.choice(HAPPY_STARS),
                rng.choice((80, 80, 100)),
                rng.choice(HAPPY_STARS),
            )
            services.survey_submit(
                complaint_id=pk,
                actor=resident_user,
                solved=solved,
                speed=speed,
                attitude=attitude,
                comment=story.survey_comment or rng.choice(SURVEY_COMMENTS),
            )
            return None
        if step == REVISIT:
            note = story.revisit_note or rng.choice(REVISIT_NOTES)
            # A revisit that ends the story reopened found the problem not solved.
            return services.complaint_revisit(
                complaint_id=pk, actor=agent, note=note, solved=story.state != State.REOPENED
            )
        if step == REOPEN:
            # The resident, or for a complaint taken in without one the project manager,
            # whose override needs the reason anyway.
            actor = resident_user or people.managers[story.property]
            return services.complaint_reopen(
                complaint_id=pk, actor=actor, reason=story.reopen_reason or "问题仍未解决。"
            )
        if step == WITHDRAW:
            return services.complaint_withdraw(
                complaint_id=pk, actor=resident_user, reason=story.withdraw_reason
            )
        if step == MERGE:
            target = self.complaints[story.merge_into]
            return services.complaint_merge(
                complaint_id=pk,
                actor=owner or agent,
                into_id=target.pk,
                reason=f"与 {target.reference} 为同一问题，合并处理。",
            )
        raise CommandError(f"Unknown step {step!r} in story {story.key!r}.")
