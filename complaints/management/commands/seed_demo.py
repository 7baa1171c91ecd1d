"""Load demo data: two properties with buildings and units, their teams, staff in every
role, residents, and complaints in every state of the lifecycle.

Complaints are filed and moved only through `complaints.services`, each step by the
person who would take it (resident, agent, handler, project manager, the system actor).
Afterwards each complaint's timeline is moved back into the last six weeks: every
step's history row, the timestamp columns it set and the rows it added (photos,
notifications, surveys) are shifted by that step's offset, and the SLA deadlines are
recomputed from the shifted start, so history, columns and deadlines tell the same
story. `state` is never touched.

Running it again creates nothing and prints the logins.
"""

import io
import random
import time
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints import services, sla
from complaints.exceptions import ComplaintError
from complaints.models import (
    Breach,
    Category,
    Channel,
    Complaint,
    Level,
    Notification,
    State,
)
from complaints.repeats import repeat_members_rebuild
from staff.models import Role, Team
from staff.selectors import system_user
from staff.services import staff_create

DEFAULT_PASSWORD = "demo12345"
RANDOM_SEED = 20250601
DEFAULT_ADDR = "127.0.0.1:8000"

P1, P2 = "p1", "p2"
PROPERTIES = {
    P1: {
        "name": "翠湖花园",
        "kind": Property.Kind.RESIDENTIAL,
        "city": "杭州",
        "address": "浙江省杭州市西湖区文一西路 588 号",
    },
    P2: {
        "name": "金融港商业中心",
        "kind": Property.Kind.COMMERCIAL,
        "city": "杭州",
        "address": "浙江省杭州市滨江区江南大道 3850 号",
    },
}
# There is no building 4 (四 sounds like 死), as in many real estates.
BUILDINGS = {P1: ("1幢", "2幢", "3幢", "5幢"), P2: ("A座", "B座", "C座")}

TEAM_NAMES = {
    Team.Kind.ENGINEERING: "工程维修部",
    Team.Kind.ENVIRONMENT: "环境部",
    Team.Kind.SECURITY: "秩序部",
    Team.Kind.CUSTOMER_SERVICE: "客服中心",
    Team.Kind.MANAGEMENT: "项目部",
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    surname: str
    given_name: str
    role: str
    properties: tuple[str, ...]
    team: str = ""
    leads_team: bool = False


STAFF = (
    StaffSpec("pm1", "周", "明远", Role.PROJECT_MANAGER, (P1,), Team.Kind.MANAGEMENT, True),
    StaffSpec("agent1", "王", "丽", Role.AGENT, (P1,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("agent2", "李", "婷", Role.AGENT, (P1,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("leader4", "杨", "雪", Role.TEAM_LEADER, (P1,), Team.Kind.CUSTOMER_SERVICE, True),
    StaffSpec("leader1", "陈", "建国", Role.TEAM_LEADER, (P1,), Team.Kind.ENGINEERING, True),
    StaffSpec("handler1", "张", "伟", Role.HANDLER, (P1,), Team.Kind.ENGINEERING),
    StaffSpec("leader2", "孙", "海燕", Role.TEAM_LEADER, (P1,), Team.Kind.ENVIRONMENT, True),
    StaffSpec("handler2", "刘", "芳", Role.HANDLER, (P1,), Team.Kind.ENVIRONMENT),
    StaffSpec("leader3", "赵", "刚", Role.TEAM_LEADER, (P1,), Team.Kind.SECURITY, True),
    StaffSpec("handler3", "吴", "磊", Role.HANDLER, (P1,), Team.Kind.SECURITY),
    StaffSpec("pm2", "黄", "志强", Role.PROJECT_MANAGER, (P2,), Team.Kind.MANAGEMENT, True),
    StaffSpec("agent3", "徐", "静", Role.AGENT, (P2,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("agent4", "许", "诺", Role.AGENT, (P2,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("leader8", "高", "敏", Role.TEAM_LEADER, (P2,), Team.Kind.CUSTOMER_SERVICE, True),
    StaffSpec("leader5", "马", "俊", Role.TEAM_LEADER, (P2,), Team.Kind.ENGINEERING, True),
    StaffSpec("handler4", "朱", "涛", Role.HANDLER, (P2,), Team.Kind.ENGINEERING),
    StaffSpec("leader6", "胡", "雪梅", Role.TEAM_LEADER, (P2,), Team.Kind.ENVIRONMENT, True),
    StaffSpec("handler5", "何", "丽娟", Role.HANDLER, (P2,), Team.Kind.ENVIRONMENT),
    StaffSpec("leader7", "郭", "勇", Role.TEAM_LEADER, (P2,), Team.Kind.SECURITY, True),
    StaffSpec("handler6", "林", "峰", Role.HANDLER, (P2,), Team.Kind.SECURITY),
    StaffSpec("supervisor", "郑", "敏", Role.SUPERVISOR, (P1, P2)),
)


@dataclass(frozen=True)
class ResidentSpec:
    username: str
    surname: str
    given_name: str
    property: str
    building: str
    entrance: str
    number: str
    relation: str


OWNER, TENANT, FAMILY = Residency.Relation.values
RESIDENTS = (
    ResidentSpec("resident1", "李", "建华", P1, "1幢", "1单元", "302", OWNER),
    ResidentSpec("resident2", "王", "秀英", P1, "2幢", "1单元", "702", OWNER),
    ResidentSpec("resident3", "李", "明", P1, "1幢", "1单元", "302", FAMILY),
    ResidentSpec("resident4", "陈", "晓燕", P1, "3幢", "2单元", "1201", TENANT),
    ResidentSpec("resident5", "刘", "洋", P1, "3幢", "1单元", "701", OWNER),
    ResidentSpec("resident6", "张", "桂兰", P1, "5幢", "1单元", "1202", OWNER),
    ResidentSpec("resident7", "赵", "磊", P1, "5幢", "2单元", "301", TENANT),
    ResidentSpec("resident8", "孙", "丽", P1, "2幢", "2单元", "1202", OWNER),
    ResidentSpec("resident9", "吴", "海波", P2, "A座", "", "1801", TENANT),
    ResidentSpec("resident10", "周", "婷", P2, "B座", "", "1202", TENANT),
    ResidentSpec("resident11", "钱", "国庆", P2, "C座", "", "L2-03", OWNER),
    ResidentSpec("resident12", "冯", "佳", P2, "A座", "", "2302", TENANT),
)
DEMO_USERNAMES = tuple(s.username for s in STAFF) + tuple(r.username for r in RESIDENTS)

ACCEPT, CLASSIFY, MISROUTE, DISPATCH, TRANSFER, ON_SITE = (
    "accept",
    "classify",
    "misroute",
    "dispatch",
    "transfer",
    "on_site",
)
HANDLE, CLOSE, SURVEY, REVISIT, REOPEN, WITHDRAW, MERGE = (
    "handle",
    "close",
    "survey",
    "revisit",
    "reopen",
    "withdraw",
    "merge",
)
_TO_DISPATCHED = (ACCEPT, CLASSIFY, DISPATCH)
PATHS = {
    State.NEW: (),
    State.ACCEPTED: (ACCEPT,),
    State.CLASSIFIED: (ACCEPT, CLASSIFY),
    State.DISPATCHED: _TO_DISPATCHED,
    State.HANDLED: (*_TO_DISPATCHED, HANDLE),
    State.CLOSED: (*_TO_DISPATCHED, HANDLE, CLOSE, SURVEY),
    State.REVISITED: (*_TO_DISPATCHED, HANDLE, CLOSE, SURVEY, REVISIT),
    State.REOPENED: (*_TO_DISPATCHED, HANDLE, REOPEN),
    State.WITHDRAWN: (WITHDRAW,),
    State.MERGED: (MERGE,),
}
# How long ago (days) a complaint that ends in this state was filed: open ones are
# recent, finished ones spread over the six weeks.
START_WINDOW_DAYS = {
    State.NEW: (0.02, 0.25),
    State.ACCEPTED: (0.1, 1.0),
    State.CLASSIFIED: (0.2, 1.5),
    State.DISPATCHED: (0.3, 2.5),
    State.HANDLED: (0.8, 2.5),
    State.REOPENED: (3, 12),
    State.CLOSED: (4, 42),
    State.REVISITED: (6, 42),
    State.WITHDRAWN: (1, 40),
}


@dataclass(frozen=True)
class Story:
    """One demo complaint: what the resident says and how far it gets."""

    key: str
    property: str
    category: str
    channel: str
    state: str
    text: str
    building: str = ""
    place: str = "building"  # "unit", "building" (common area) or "property" (common area)
    location: str = ""
    level: int | None = None
    with_resident: bool = True
    contact: tuple[str, str] = ("", "")
    evidence_photo: bool = False
    path: tuple[str, ...] | None = None
    slow: bool = False  # handled after the resolve deadline
    close_by: str = "resident"  # "resident", "owner" (with a reason) or "system" (auto-confirm)
    close_reason: str = ""
    scores: tuple[int, int, int] | None = None  # survey: solved, speed, attitude
    survey_comment: str = ""
    misroute_team: str = ""
    redispatch_reason: str = ""
    merge_into: str = ""
    reopen_reason: str = ""
    revisit_note: str = ""
    withdraw_reason: str = ""


W, A, PH, WK, PA, CM, IOT = (
    Channel.WEB,
    Channel.APP,
    Channel.PHONE,
    Channel.WALK_IN,
    Channel.PAPER,
    Channel.COMMITTEE,
    Channel.IOT,
)
S = State
# fmt: off
STORIES = (
    # 翠湖花园 — facilities
    Story(
        "elevator-noise", P1, "elevator", W, S.HANDLED,
        "3幢2单元的电梯这几天运行时一直有咔咔的异响，上下行都有，晚上特别明显，"
        "家里老人都不敢坐了，麻烦尽快派人检修。",
        building="3幢", location="2单元 1号电梯", evidence_photo=True,
    ),
    Story(
        "elevator-noise-dup", P1, "elevator", W, S.MERGED,
        "电梯异响！3幢2单元电梯声音很大，感觉随时要出故障，请物业重视。",
        building="3幢", location="2单元电梯", merge_into="elevator-noise",
    ),
    Story(
        "elevator-trapped", P1, "elevator", PH, S.CLOSED,
        "住户来电：2幢1单元2号电梯停在8楼和9楼之间，电梯困人，里面有一位老人和一个小孩，"
        "已经困了五六分钟，情绪比较紧张。",
        building="2幢", location="1单元 2号电梯", level=Level.I,
        close_reason="师傅十几分钟就到了，人已经安全出来，谢谢。",
    ),
    Story(
        "iot-elevator", P1, "elevator", IOT, S.NEW,
        "【物联网告警】2幢1单元1号电梯轿厢振动值超过阈值（0.32g），持续 45 秒，"
        "请安排人员现场核查。",
        building="2幢", location="1单元 1号电梯（设备 EL-0201）", with_resident=False,
    ),
    Story(
        "stair-lights", P1, "lighting", W, S.NEW,
        "5幢1单元6楼到9楼的楼道灯不亮已经快一周了，晚上回家只能打手机电筒，"
        "老人上下楼很不安全。",
        building="5幢", location="1单元 6–9 楼楼道",
    ),
    Story(
        "road-lights", P1, "lighting", W, S.CLOSED,
        "小区东门进来到3幢之间的路灯坏了三盏，晚上黑漆漆的，带孩子散步很不安全。",
        place="property", location="东门至3幢之间的主干道", evidence_photo=True,
    ),
    Story(
        "lights-again", P1, "lighting", W, S.REOPENED,
        "1幢2单元低楼层楼道灯不亮，声控也没有反应。",
        building="1幢", location="2单元 1–3 楼楼道",
        reopen_reason="师傅说修好了，可是今天晚上2楼的灯还是不亮。",
    ),
    # with lights-again, a repeat problem: three 1幢 common-area lighting complaints
    Story(
        "lights-lobby", P1, "lighting", PH, S.DISPATCHED,
        "住户来电：1幢1单元大堂的灯一闪一闪的，晚上看不清信箱，希望尽快换灯管。",
        building="1幢", location="1单元 大堂",
    ),
    Story(
        "lights-third-time", P1, "lighting", A, S.CLASSIFIED,
        "1幢2单元楼道灯又不亮了，上周刚修过，这个月已经是第三次报修了，请彻底查一下线路。",
        building="1幢", location="2单元 4–6 楼楼道",
    ),
    Story(
        "leak-garage", P1, "leak", W, S.DISPATCHED,
        "地下车库B区靠近36号车位的顶板一直在漏水，下雨天更严重，车身上全是泥水印，地面也很滑。",
        place="property", location="地下车库B区 36号车位上方", evidence_photo=True,
        path=(ACCEPT, CLASSIFY, MISROUTE, DISPATCH), misroute_team=Team.Kind.ENVIRONMENT,
        redispatch_reason="现场确认为顶板渗漏，不是保洁问题，改派工程维修部。",
    ),
    Story(
        "leak-bathroom", P1, "leak", W, S.CLOSED,
        "卫生间天花板渗水，怀疑是楼上卫生间防水层坏了，墙角已经发霉，请物业协调楼上一起查看。",
        building="3幢", place="unit", location="主卫天花板", evidence_photo=True,
        path=(*_TO_DISPATCHED, HANDLE, REOPEN, DISPATCH, HANDLE, CLOSE, SURVEY),
        reopen_reason="修完过了两天又开始滴水了，问题没有解决。",
        close_reason="这次彻底不漏了，谢谢。",
    ),
    Story(
        "water-outage", P1, "water-power", PH, S.CLOSED,
        "住户来电：今天早上七点开始2幢突然停水，物业没有提前通知，家里老人没法做饭，"
        "要求尽快恢复并说明原因。",
        building="2幢", location="2幢全楼",
        path=(*_TO_DISPATCHED, TRANSFER, HANDLE, CLOSE, SURVEY), slow=True,
        scores=(90, 60, 85), survey_comment="停水通知太晚，修复时间也太长。",
    ),
    Story(
        "water-pressure", P1, "water-power", PH, S.ACCEPTED,
        "住户来电反映家里水压特别小，热水器经常打不着火，楼上楼下邻居也有同样的情况。",
        building="5幢", place="unit", location="厨房、卫生间",
    ),
    Story(
        "fire-exit", P1, "fire-safety", CM, S.DISPATCHED,
        "社区居委会转来：1幢东侧消防通道堆满了杂物和电动车，消防栓箱门损坏关不上，"
        "存在较大消防隐患，请物业限期整改。",
        building="1幢", location="1幢东侧消防通道", with_resident=False,
        contact=("翠湖社区居委会 陈主任", "0571-85170231"),
    ),
    # 翠湖花园 — environment
    Story(
        "garbage-bins", P1, "garbage", A, S.HANDLED,
        "2幢楼下的垃圾桶已经两天没有清运了，味道很大，招了很多苍蝇。",
        building="2幢", location="2幢楼下垃圾分类亭", evidence_photo=True,
    ),
    Story(
        "garbage-bins-dup", P1, "garbage", PH, S.MERGED,
        "住户来电：2幢垃圾分类亭垃圾满溢没人清运，臭味都飘到楼道里了。",
        building="2幢", location="2幢楼下垃圾分类亭", path=(ACCEPT, MERGE),
        merge_into="garbage-bins",
    ),
    Story(
        "garbage-renovation", P1, "garbage", WK, S.CLASSIFIED,
        "住户到前台反映：3幢1单元门口堆放的装修垃圾已经一个多星期没人处理，挡住了通道。",
        building="3幢", location="1单元门口",
    ),
    Story(
        "stair-cleaning", P1, "cleaning", W, S.CLOSED,
        "1幢2单元楼道地面很脏，楼梯扶手一摸一手灰，请问保洁多久打扫一次？",
        building="1幢", location="2单元楼道及扶手", close_by="system", slow=True,
    ),
    Story(
        "lawn", P1, "greening", W, S.REVISITED,
        "中心花园的草坪很久没修剪了，杂草长到膝盖高，蚊子特别多，孩子没法在那里玩。",
        place="property", location="中心花园", slow=True,
    ),
    Story(
        "tree-branch", P1, "greening", A, S.NEW,
        "5幢南面的香樟树树枝已经伸到我家窗户边上，台风天很危险，希望尽快修剪。",
        building="5幢", location="5幢南侧香樟树", evidence_photo=True,
    ),
    Story(
        "dog-mess", P1, "cleaning", W, S.REOPENED,
        "3幢和5幢之间的步道上经常有狗粪便，保洁清理不及时，走路要一直看着脚下。",
        place="property", location="3幢与5幢之间的步道",
        path=(*_TO_DISPATCHED, HANDLE, CLOSE, SURVEY, REVISIT, REOPEN),
        scores=(50, 70, 80), survey_comment="清理了没两天又是一地，治标不治本。",
        revisit_note="回访住户：清理后第二天又有，问题没有根本解决，要求加强巡查。",
        reopen_reason="回访不满意：要求增加巡查频次，并在步道张贴文明养犬提示。",
    ),
    # 翠湖花园 — security and order
    Story(
        "fire-lane-parking", P1, "parking", PH, S.CLOSED,
        "住户来电：外来车辆乱停在北门消防通道上，自己的车开不出去，打保安电话没人接。",
        place="property", location="北门消防通道",
    ),
    Story(
        "space-taken", P1, "parking", A, S.REVISITED,
        "我的固定车位112号这周被同一辆外地牌照的车占了三次，请物业处理。",
        place="property", location="地下车库A区 112号车位", slow=True,
    ),
    Story(
        "delivery-outsiders", P1, "outsiders", W, S.ACCEPTED,
        "最近晚上经常有外卖员和陌生人不登记直接进小区，门禁形同虚设，希望加强管理。",
        place="property", location="南门人行入口",
    ),
    Story(
        "fliers", P1, "outsiders", PA, S.REVISITED,
        "意见箱来信：有人在3幢挨家挨户塞小广告，门把手和门缝里全是，希望保安加强巡查。",
        building="3幢", location="3幢各单元",
    ),
    Story(
        "loose-tile", P1, "safety-hazard", PH, S.REVISITED,
        "住户来电：3幢西侧外墙有瓷砖松动，昨天掉下来一块砸在花坛边，差点砸到人，请立即处理！",
        building="3幢", location="3幢西侧外墙 10 楼附近",
    ),
    # 翠湖花园 — neighbours, fees, service, suggestions
    Story(
        "noise", P1, "neighbour-dispute", PH, S.DISPATCHED,
        "住户来电：楼上邻居每天晚上十一点以后还在拖椅子、跳绳，严重影响休息，"
        "自己上门沟通过两次没有效果，希望物业出面协调。",
        building="2幢", place="unit",
    ),
    Story(
        "corridor-clutter", P1, "neighbour-dispute", W, S.REOPENED,
        "隔壁邻居在公共走廊堆放鞋柜和纸箱，占用通道，说了也不搬，希望物业出面。",
        building="1幢", location="1单元3楼公共走廊",
        path=(*_TO_DISPATCHED, HANDLE, CLOSE, REOPEN),
        reopen_reason="物业协调后邻居只搬走了纸箱，鞋柜还在走廊里。",
    ),
    Story(
        "dog-barking", P1, "neighbour-dispute", W, S.CLASSIFIED,
        "楼上邻居养的大狗整天叫，在电梯里也经常不牵绳，小孩被吓哭过好几次。",
        building="5幢",
    ),
    Story(
        "fee-bill", P1, "fees", WK, S.HANDLED,
        "住户到前台反映：本季度物业费账单多收了一个月的公摊电费，要求核实并退还。",
        building="2幢", place="unit",
    ),
    Story(
        "desk-attitude", P1, "service-attitude", W, S.REVISITED,
        "昨天下午到客服中心办理门禁卡，前台工作人员一直在玩手机，爱理不理，态度很差。",
        place="property", location="客服中心前台",
        scores=(70, 80, 55), survey_comment="道歉了，但希望前台真正改进服务态度。",
    ),
    Story(
        "charging-piles", P1, "suggestion", PA, S.NEW,
        "意见箱来信：建议在小区增设电动车集中充电桩，现在很多人从楼上拉电线下来充电，很危险。",
        place="property",
    ),
    Story(
        "drain-withdrawn", P1, "water-power", W, S.WITHDRAWN,
        "家里厨房下水有点堵，麻烦安排师傅上门看一下。",
        building="3幢", place="unit", location="厨房水槽",
        withdraw_reason="已经自己疏通好了，撤回。",
    ),
    Story(
        "door-light-withdrawn", P1, "lighting", A, S.WITHDRAWN,
        "5幢2单元门口的声控灯不亮了。",
        building="5幢", location="2单元门口",
        withdraw_reason="今天看灯又亮了，可能是接触不良，先撤回。",
    ),
    # 金融港商业中心
    Story(
        "skipped-floor", P2, "elevator", A, S.DISPATCHED,
        "A座3号客梯经常不停层，按了18楼直接开到顶层，上班高峰排队要等十几分钟。",
        building="A座", location="A座 3号客梯",
    ),
    Story(
        "skipped-floor-dup", P2, "elevator", W, S.MERGED,
        "A座电梯又不停18楼了，早上九点排队排到大堂门口。",
        building="A座", location="A座客梯", merge_into="skipped-floor",
    ),
    Story(
        "air-conditioning", P2, "facilities", WK, S.DISPATCHED,
        "商户到服务台反映：C座2楼店铺中央空调不制冷，店里温度接近30度，顾客进来就走。",
        building="C座", place="unit", location="店内",
    ),
    Story(
        "taps", P2, "water-power", W, S.HANDLED,
        "B座12楼男卫生间的两个感应水龙头都不出水，已经报修两次了还没修好。",
        building="B座", location="B座12楼男卫生间", slow=True,
    ),
    Story(
        "sump-alarm", P2, "leak", IOT, S.REOPENED,
        "【物联网告警】B座地下二层集水井水位超过高液位报警线，排污泵未启动，请立即派人处理。",
        place="property", location="B座地下二层集水井（设备 WL-B2-03）", level=Level.I,
        with_resident=False, close_by="owner",
        close_reason="物联网告警，现场复核水位已恢复正常，排污泵运行正常。",
        path=(*_TO_DISPATCHED, HANDLE, CLOSE, REVISIT, REOPEN),
        revisit_note="复查现场：更换浮球开关后运行两天，排污泵又出现跳闸。",
        reopen_reason="复查发现排污泵仍会跳闸，需要工程部彻底检修。",
    ),
    Story(
        "oil-stain", P2, "cleaning", PH, S.NEW,
        "租户来电：B座地下停车场电梯厅地面有大片油污，刚才有人差点滑倒，请尽快清理。",
        building="B座", location="B座地下停车场电梯厅",
    ),
    Story(
        "alley-garbage", P2, "garbage", PH, S.CLOSED,
        "来电反映：C座商场后巷的餐饮垃圾桶满溢，污水流到人行道上，气味很大。",
        building="C座", location="C座后巷餐饮垃圾点", with_resident=False,
        contact=("匿名来电", ""), close_by="owner",
        close_reason="来电人未留联系方式，现场复核已清理完毕。",
    ),
    Story(
        "toilet-smell", P2, "cleaning", W, S.REVISITED,
        "B座5楼公共卫生间异味很重，洗手液也经常是空的。",
        building="B座", location="B座5楼公共卫生间",
    ),
    Story(
        "exit-barrier", P2, "parking", WK, S.CLOSED,
        "租户到服务台反映：地下车库出口道闸经常抬不起来，下班高峰车辆堵到坡道上。",
        place="property", location="地下车库出口道闸",
    ),
    Story(
        "door-to-door-sales", P2, "outsiders", W, S.CLASSIFIED,
        "经常有推销人员从A座大堂直接上楼扫楼推销，打扰正常办公，前台也不拦。",
        building="A座", location="A座大堂及各楼层",
    ),
    Story(
        "parking-card-fee", P2, "fees", PH, S.ACCEPTED,
        "租户来电：本月停车月卡费用从 400 元涨到 600 元，事先没有任何通知，要求给出说明。",
        place="property",
    ),
    Story(
        "parcel-lockers", P2, "suggestion", W, S.REVISITED,
        "建议在A座大堂增加智能快递柜，现在快递都堆在前台，容易拿错。",
        building="A座", location="A座大堂",
    ),
    Story(
        "visitor-parking-withdrawn", P2, "parking", W, S.WITHDRAWN,
        "地下车库访客车位太少，来访客户经常找不到地方停车。",
        place="property", location="地下车库",
        withdraw_reason="已经给客户办理了临时月卡，撤回。",
    ),
)
# fmt: on

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
SYSTEM_CLOSE_REASON = "auto-confirmed"  # what the auto-confirm job records
CONTACT_TIMES = ("", "", "工作日 18:00 以后", "周末全天", "上午 9:00–11:00")
PHONE_PREFIXES = ("138", "139", "137", "135", "158", "186", "189")
SURVEY_COMMENTS = ("", "", "师傅很专业，处理得很及时。", "整体满意，继续保持。")


class _Clock:
    """Maps the real instants stamped while one complaint was walked through its steps
    onto that complaint's planned timeline: each step keeps its own offset."""

    def __init__(self) -> None:
        self.started: list[datetime] = []
        self.planned: list[datetime] = []

    def step(self, planned: datetime) -> None:
        self.started.append(timezone.now())
        self.planned.append(planned)

    def stop(self) -> None:
        self.stopped = timezone.now()

    def covers(self, moment: datetime) -> bool:
        return self.started[0] <= moment <= self.stopped

    def offset(self, moment: datetime) -> timedelta:
        index = max(bisect_right(self.started, moment) - 1, 0)
        return self.planned[index] - self.started[index]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def _chinese_name(user: AbstractBaseUser) -> str:
    return f"{user.last_name}{user.first_name}" or user.get_username()


class Command(BaseCommand):
    help = "Create demo properties, staff, residents and complaints in every state (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo login (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--addr",
            default=DEFAULT_ADDR,
            help=f"Address of the web server, for the printed links (default: {DEFAULT_ADDR}).",
        )

    def handle(self, *args, password: str, addr: str, **options) -> None:
        self.site_url = f"http://{addr}"
        started = time.monotonic()
        names = [spec["name"] for spec in PROPERTIES.values()]
        with transaction.atomic():
            present = Property.objects.filter(name__in=names).count()
            if present == len(names):
                self.stdout.write("Demo data already present; nothing created.")
                if not self._password_works(password):
                    self.stdout.write(
                        self.style.WARNING(
                            "The demo logins have another password than the one given; "
                            "passwords were not changed."
                        )
                    )
                    password = "(unchanged)"
                self._write_logins(password)
                return
            if present:
                raise CommandError(
                    f"Only some of the demo properties ({', '.join(names)}) exist; "
                    "remove them or start from an empty database."
                )
            taken = list(
                get_user_model()
                .objects.filter(username__in=DEMO_USERNAMES)
                .values_list("username", flat=True)
            )
            if taken:
                raise CommandError(
                    f"These demo usernames already belong to other users: {', '.join(taken)}."
                )
            _Seeder(password=password).run()
        self._write_summary(names)
        self._write_logins(password)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _password_works(self, password: str) -> bool:
        user = get_user_model().objects.filter(username=STAFF[0].username).first()
        return user is None or user.check_password(password)

    def _write_summary(self, names: list[str]) -> None:
        complaints = Complaint.objects.filter(property__name__in=names)
        counts = dict(complaints.values_list("state").annotate(n=Count("pk")).order_by())
        self.stdout.write(self.style.SUCCESS(f"Created {complaints.count()} demo complaints:"))
        for state in State:
            self.stdout.write(f"  {state.value:<11} {counts.get(state.value, 0)}")

    def _write_logins(self, password: str) -> None:
        property_names = {key: spec["name"] for key, spec in PROPERTIES.items()}
        header = ("username", "password", "role", "property", "name")
        rows = [
            (
                spec.username,
                password,
                str(Role(spec.role).label),
                "、".join(property_names[key] for key in spec.properties),
                f"{spec.surname}{spec.given_name}",
            )
            for spec in STAFF
        ]
        rows += [
            (
                spec.username,
                password,
                f"resident ({Residency.Relation(spec.relation).label})",
                property_names[spec.property],
                f"{spec.surname}{spec.given_name}",
            )
            for spec in RESIDENTS
        ]
        widths = [max(_display_width(str(row[i])) for row in (header, *rows)) for i in range(5)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for row in (header, tuple("-" * w for w in widths), *rows):
            self.stdout.write(
                "  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True))
            )
        self.stdout.write("")
        self.stdout.write(f"Staff sign in to the admin: {self.site_url}/admin/")
        try:
            portal = f"the resident portal at {self.site_url}{reverse('portal:login')}"
        except NoReverseMatch:
            portal = "the resident portal"
        self.stdout.write(
            f"Residents (resident1 …) cannot use the admin; they sign in to {portal} "
            "to file complaints, follow progress, confirm fixes and rate the service."
        )


class _Seeder:
    """Builds the demo data in one go; every random choice comes from one seeded generator."""

    def __init__(self, *, password: str) -> None:
        self.rng = random.Random(RANDOM_SEED)
        self.now = timezone.now()
        # One hash for every demo login: hashing each password separately (PBKDF2) would
        # make the command take many seconds.
        self.password_hash = make_password(password)
        self.properties: dict[str, Property] = {}
        self.buildings: dict[tuple[str, str], Building] = {}
        self.units: dict[tuple[str, str, str, str], Unit] = {}
        self.teams: dict[tuple[str, str], Team] = {}
        self.users: dict[int, AbstractBaseUser] = {}
        self.agents: dict[str, list[AbstractBaseUser]] = {P1: [], P2: []}
        self.managers: dict[str, AbstractBaseUser] = {}
        self.residents: dict[str, list[Resident]] = {P1: [], P2: []}
        self.resident_units: dict[int, list[Unit]] = {}
        self.categories = {c.code: c for c in Category.objects.all()}
        self.complaints: dict[str, Complaint] = {}
        self.starts: dict[str, datetime] = {}
        self.clocks: dict[int, _Clock] = {}
        self.system = system_user()
        self.users[self.system.pk] = self.system

    def run(self) -> None:
        usable = {code for code, category in self.categories.items() if category.is_active}
        missing = {story.category for story in STORIES} - usable
        if missing:
            raise CommandError(
                f"Complaint categories missing or inactive: {', '.join(sorted(missing))}."
            )
        self._create_places()
        self._create_staff()
        self._create_residents()
        plans = self._plan_timelines()
        for story in sorted(STORIES, key=lambda s: self.starts[s.key]):
            self._tell(story, plans[story.key])
        self._backdate_related()
        # The filing times were moved back after the services kept the repeat problems.
        for prop in self.properties.values():
            repeat_members_rebuild(property_id=prop.pk)

    # Places, people

    def _create_places(self) -> None:
        for key, spec in PROPERTIES.items():
            prop = Property.objects.create(**spec)
            self.properties[key] = prop
            for name in BUILDINGS[key]:
                self.buildings[key, name] = Building.objects.create(property=prop, name=name)
            for kind, name in TEAM_NAMES.items():
                self.teams[key, kind] = Team.objects.create(property=prop, name=name, kind=kind)
        units = [
            Unit(building=self.buildings[key, name], entrance=entrance, floor=floor, number=number)
            for (key, name) in self.buildings
            for entrance, floor, number in self._unit_layout(key, name)
        ]
        for unit in Unit.objects.bulk_create(units):
            building = unit.building
            prop_key = next(k for k, p in self.properties.items() if p.pk == building.property_id)
            self.units[prop_key, building.name, unit.entrance, unit.number] = unit

    @staticmethod
    def _unit_layout(prop_key: str, building: str) -> list[tuple[str, int, str]]:
        if prop_key == P1:
            return [
                (f"{entrance}单元", floor, f"{floor}{room:02d}")
                for entrance in (1, 2)
                for floor in (3, 7, 12)
                for room in (1, 2)
            ]
        if building == "C座":  # retail podium: shops on three floors
            return [
                ("", floor, f"L{floor}-{shop:02d}") for floor in (1, 2, 3) for shop in (1, 2, 3, 4)
            ]
        return [
            ("", floor, f"{floor}{room:02d}") for floor in (5, 12, 18, 23) for room in (1, 2, 3)
        ]

    def _phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _create_staff(self) -> None:
        created = []
        for spec in STAFF:
            team = self.teams[spec.properties[0], spec.team] if spec.team else None
            # password=None keeps staff_create from hashing; the shared hash is set below.
            user = staff_create(
                username=spec.username,
                password=None,
                role=spec.role,
                properties=[self.properties[key] for key in spec.properties],
                team=team,
                first_name=spec.given_name,
                last_name=spec.surname,
                email=f"{spec.username}@example.com",
                phone=self._phone(),
            )
            self.users[user.pk] = user
            created.append(user.pk)
            if spec.leads_team:
                team.leader = user
                team.save()
            if spec.role == Role.AGENT:
                self.agents[spec.properties[0]].append(user)
            if spec.role == Role.PROJECT_MANAGER:
                self.managers[spec.properties[0]] = user
        # Only the staff created here: `self.users` also holds the system actor, whose
        # password must stay unusable.
        get_user_model().objects.filter(pk__in=created).update(password=self.password_hash)

    def _create_residents(self) -> None:
        by_username: dict[str, Resident] = {}
        for spec in RESIDENTS:
            resident = by_username.get(spec.username)
            if resident is None:
                user = get_user_model().objects.create_user(
                    username=spec.username,
                    password=None,
                    first_name=spec.given_name,
                    last_name=spec.surname,
                )
                user.password = self.password_hash
                user.save(update_fields=["password"])
                resident = Resident.objects.create(
                    user=user, name=f"{spec.surname}{spec.given_name}", phone=self._phone()
                )
                by_username[spec.username] = resident
                self.residents[spec.property].append(resident)
                self.users[user.pk] = user
            unit = self.units[spec.property, spec.building, spec.entrance, spec.number]
            Residency.objects.create(resident=resident, unit=unit, relation=spec.relation)
            self.resident_units.setdefault(resident.pk, []).append(unit)

    # Timelines

    def _level(self, story: Story) -> int:
        return story.level or self.categories[story.category].default_level

    def _steps(self, story: Story) -> tuple[str, ...]:
        """The story's steps; level I gets the arrival on site, and only a resident who
        confirmed the fix answers the survey."""
        steps = []
        for step in story.path if story.path is not None else PATHS[story.state]:
            if step == SURVEY and (not story.with_resident or story.close_by != "resident"):
                continue
            steps.append(step)
            if step == DISPATCH and self._level(story) == Level.I:
                steps.append(ON_SITE)
        return tuple(steps)

    def _gap(self, story: Story, steps: tuple[str, ...], index: int) -> timedelta:
        """How long after the previous step this one happens, in realistic minutes."""
        step = steps[index]
        previous = steps[index - 1] if index else ""
        urgent = self._level(story) == Level.I
        if step == ACCEPT:
            low, high = (1, 5) if urgent or story.channel == IOT else (3, 45)
        elif step == CLASSIFY:
            low, high = (1, 3) if urgent else (1, 15)
        elif step == MISROUTE:
            low, high = 3, 30
        elif step == DISPATCH:
            low, high = {MISROUTE: (45, 180), REOPEN: (20, 120)}.get(
                previous, (1, 5) if urgent else (2, 30)
            )
        elif step == ON_SITE:
            low, high = 8, 25
        elif step == TRANSFER:
            low, high = 120, 600
        elif step == HANDLE:
            if urgent:
                low, high = 15, 70
            elif story.slow:
                low, high = 1500, 2600
            elif self._level(story) == Level.III:
                low, high = 1440, 5760
            else:
                low, high = 90, 1200
        elif step == CLOSE:
            low, high = {"system": (4321, 4340), "owner": (240, 2880)}.get(
                story.close_by if story.with_resident else "owner", (60, 1800)
            )
        elif step == SURVEY:
            low, high = 180, 2600
        elif step == REVISIT:
            low, high = (20, 600) if previous == SURVEY else (1440, 2880)
        elif step == REOPEN:
            low, high = {REVISIT: (2, 10), HANDLE: (120, 1440)}.get(previous, (600, 5760))
        elif step == WITHDRAW:
            low, high = 5, 120
        else:
            low, high = 10, 90
        return timedelta(minutes=self.rng.uniform(low, high))

    def _plan_timelines(self) -> dict[str, list[datetime]]:
        """For each story, when it was filed and when each of its steps happened."""
        plans: dict[str, list[datetime]] = {}
        ordered = [s for s in STORIES if not s.merge_into] + [s for s in STORIES if s.merge_into]
        for story in ordered:
            steps = self._steps(story)
            gaps = [self._gap(story, steps, i) for i in range(len(steps))]
            latest = self.now - timedelta(minutes=self.rng.uniform(3, 30)) - sum(gaps, timedelta())
            if story.merge_into:
                start = self.starts[story.merge_into] + timedelta(minutes=self.rng.uniform(30, 480))
            else:
                low, high = START_WINDOW_DAYS[story.state]
                start = self._waking_hours(
                    self.now - timedelta(days=self.rng.uniform(low, high)), story.channel
                )
            start = min(start, latest)
            self.starts[story.key] = start
            plan = [start]
            for gap in gaps:
                plan.append(plan[-1] + gap)
            plans[story.key] = plan
        return plans

    def _waking_hours(self, start: datetime, channel: str) -> datetime:
        """Move a filing time into the hours people use that channel, never later:
        the desk, paper forms and referrals in office hours, phone and web from 7 to 23,
        sensors at any hour. Older complaints get a random time of their day."""
        if channel == IOT:
            return start
        first, last = (8, 17) if channel in (WK, PA, CM) else (7, 22)
        local = timezone.localtime(start)
        if first <= local.hour <= last and self.now - start < timedelta(days=1):
            return start
        moved = local.replace(
            hour=self.rng.randint(first, last), minute=self.rng.randrange(60), second=0
        )
        return moved if moved <= start else moved - timedelta(days=1)

    def _backdate(self, complaint: Complaint, clock: _Clock) -> None:
        """Move the complaint onto its planned timeline; `state` is left alone.

        Each history row moves by the offset of the step that wrote it, and so does each
        timestamp the step set; a value copied from an earlier column (the SLA start is
        the submission or reopening time) keeps that column's shift, and the deadlines
        are recomputed from the shifted start by the SLA rules themselves.
        """
        history_model = Complaint.history.model
        in_history = {f.name for f in history_model._meta.concrete_fields}
        fields = [
            f.name
            for f in Complaint._meta.concrete_fields
            if isinstance(f, models.DateTimeField) and f.name in in_history
        ]
        rows = list(complaint.history.order_by("history_id"))
        raw: dict[str, datetime | None] = dict.fromkeys(fields)
        shifted: dict[str, datetime | None] = dict.fromkeys(fields)
        moved: dict[datetime, datetime] = {}
        computed_for = None
        for row in rows:
            offset = clock.offset(row.history_date)
            row.history_date += offset
            sla_inputs = (row.sla_started_at, row.level)
            for name in fields:
                value = getattr(row, name)
                if value != raw[name]:  # set or changed by this row's step
                    raw[name] = value
                    if value is None:
                        shifted[name] = None
                    else:
                        shifted[name] = moved.setdefault(value, value + offset)
                setattr(row, name, shifted[name])
            if None not in sla_inputs and sla_inputs != computed_for:
                sla.deadlines_compute(row, start=row.sla_started_at)
                shifted.update((name, getattr(row, name)) for name in fields)
                computed_for = sla_inputs
        for row in rows:
            # One small UPDATE per row: bulk_update's CASE over every column is far slower.
            history_model.objects.filter(pk=row.pk).update(
                history_date=row.history_date,
                **{name: getattr(row, name) for name in fields if getattr(row, name)},
            )
        self._sweep_history(complaint, rows)

        complaint = Complaint.objects.get(pk=complaint.pk)
        for name, value in shifted.items():
            setattr(complaint, name, value)
        # The SLA schedule columns (not in history) as `_save` would have set them last.
        sla.refresh_schedule(complaint, now=clock.planned[-1])
        schedule = {
            f.name: getattr(complaint, f.name)
            for f in Complaint._meta.concrete_fields
            if isinstance(f, models.DateTimeField)
            and f.name not in in_history
            and f.name != "updated_at"
        }
        Complaint.objects.filter(pk=complaint.pk).update(
            **shifted, **schedule, updated_at=rows[-1].history_date
        )

    def _sweep_history(self, complaint: Complaint, rows: list) -> None:
        """The breaches the minute sweep would have recorded along the back-dated
        history: a deadline still open when it came due, at that moment, with the owner
        and team of then, escalated if still unmet one window later."""
        breaches: dict[tuple[str, int], Breach] = {}
        escalate_at: dict[tuple[str, int], datetime] = {}
        met_at: dict[tuple[str, int], datetime] = {}
        for index, row in enumerate(rows):
            until = rows[index + 1].history_date if index + 1 < len(rows) else self.now
            state = row.instance
            open_now = {(t.deadline, state.reopen_count): t for t in sla.open_deadlines(state)}
            for key in breaches.keys() - open_now.keys():
                met_at.setdefault(key, row.history_date)
            for key, times in open_now.items():
                if key in breaches or times.due_at >= until:
                    continue
                breaches[key] = sla.breach_of(
                    state,
                    deadline=times.deadline,
                    due_at=times.due_at,
                    detected_at=min(times.due_at + timedelta(minutes=1), until),
                )
                escalate_at[key] = times.escalate_at
        for key, breach in breaches.items():
            if escalate_at[key] < met_at.get(key, self.now):
                breach.escalated_to_manager_at = escalate_at[key]
        Breach.objects.bulk_create(breaches.values())

    def _backdate_related(self) -> None:
        """Shift the timestamps the steps stamped on rows hanging off the complaints
        (photos, notifications, surveys, …) by their complaint's clock. Notifications of
        the past count as delivered, and those older than half a day as read."""
        for relation in Complaint._meta.related_objects:
            model = relation.related_model
            if not relation.one_to_many or model is Complaint:
                continue
            names = [
                f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
            ]
            if not names:
                continue
            column = relation.field.attname
            objects = list(model.objects.filter(**{f"{column}__in": self.clocks}).order_by("pk"))
            for obj in objects:
                clock = self.clocks[getattr(obj, column)]
                for name in names:
                    value = getattr(obj, name)
                    if value is not None and clock.covers(value):
                        setattr(obj, name, value + clock.offset(value))
                if model is Notification and obj.delivered_at is None:
                    obj.delivered_at = obj.created_at + timedelta(seconds=self.rng.randint(5, 90))
                    if self.now - obj.created_at > timedelta(hours=12):
                        obj.read_at = obj.created_at + timedelta(minutes=self.rng.randint(3, 240))
            if objects:
                model.objects.bulk_update(objects, names)

    # Complaints

    def _photo(self, name: str) -> SimpleUploadedFile:
        rng = self.rng
        image = Image.new("RGB", (320, 240), tuple(rng.randrange(90, 200) for _ in range(3)))
        draw = ImageDraw.Draw(image)
        for _ in range(5):
            x, y = rng.randrange(280), rng.randrange(200)
            box = (x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90))
            draw.rectangle(box, fill=tuple(rng.randrange(256) for _ in range(3)))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=70)
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    def _assignee(self, team: Team) -> AbstractBaseUser:
        members = [
            self.users[uid]
            for uid in team.members.filter(role=Role.HANDLER).values_list("user_id", flat=True)
        ]
        if members and self.rng.random() < 0.8:
            return self.rng.choice(members)
        return self.users[team.leader_id]

    def _tell(self, story: Story, plan: list[datetime]) -> None:
        """File the complaint and take it through its steps, as the people involved would."""
        clock = _Clock()
        steps = self._steps(story)
        step = "create"
        try:
            clock.step(plan[0])
            filer, complaint = self._file(story)
            for index, step in enumerate(steps):
                clock.step(plan[index + 1])
                previous = steps[index - 1] if index else ""
                complaint = self._do(story, step, previous, complaint, filer)
        except ComplaintError as error:
            raise CommandError(
                f"Demo complaint {story.key!r} was refused at {step!r}: {error.message}"
            ) from error
        clock.stop()
        self.complaints[story.key] = complaint
        self.clocks[complaint.pk] = clock
        self._backdate(complaint, clock)

    def _file(self, story: Story) -> tuple[AbstractBaseUser, Complaint]:
        prop = self.properties[story.property]
        building = self.buildings[story.property, story.building] if story.building else None
        resident = unit = None
        if story.with_resident:
            candidates = [
                r
                for r in self.residents[story.property]
                if building is None
                or any(u.building_id == building.pk for u in self.resident_units[r.pk])
            ]
            resident = self.rng.choice(candidates)
            if story.place == "unit":
                unit = next(
                    u
                    for u in self.resident_units[resident.pk]
                    if building is None or u.building_id == building.pk
                )
        if story.channel in services.RESIDENT_CHANNELS:
            filer = self.users[resident.user_id]
        elif story.channel == IOT:
            filer = self.system
        else:
            filer = self.rng.choice(self.agents[story.property])
        complaint = services.complaint_create(
            actor=filer,
            description=story.text,
            channel=story.channel,
            property=prop,
            building=building if story.place != "property" else None,
            unit=unit,
            location_text=story.location,
            resident=resident,
            contact_name=story.contact[0],
            contact_phone=story.contact[1],
            preferred_contact_time=self.rng.choice(CONTACT_TIMES) if resident else "",
            photos=[self._photo("现场照片.jpg")] if story.evidence_photo else [],
        )
        return filer, complaint

    def _do(
        self,
        story: Story,
        step: str,
        previous: str,
        complaint: Complaint,
        filer: AbstractBaseUser,
    ) -> Complaint:
        pk = complaint.pk
        owner = self.users.get(complaint.owner_id)
        resident_user = self.users[complaint.resident.user_id] if complaint.resident_id else None
        agent = self.rng.choice(self.agents[story.property])
        category = self.categories[story.category]
        if step == ACCEPT:
            # 首问负责: whoever took the call or the walk-in owns it.
            actor = filer if filer in self.agents[story.property] else agent
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
            team = self.teams[story.property, kind or Team.Kind.CUSTOMER_SERVICE]
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
                complaint_id=pk, actor=self.users[complaint.assignee_id]
            )
        if step == TRANSFER:
            new_owner = next(a for a in self.agents[story.property] if a.pk != owner.pk)
            return services.complaint_transfer_ownership(
                complaint_id=pk,
                actor=self.managers[story.property],
                new_owner=new_owner,
                reason=f"{_chinese_name(owner)}轮休，转交{_chinese_name(new_owner)}继续跟进。",
            )
        if step == HANDLE:
            photos = category.needs_photos
            note = HANDLE_NOTES.get(category.code, "已处理完毕。")
            return services.complaint_handle(
                complaint_id=pk,
                actor=self.users[complaint.assignee_id],
                note=f"复查后重新处理：{note}" if complaint.reopen_count else note,
                before_photos=[self._photo("处理前.jpg")] if photos else [],
                after_photos=[self._photo("处理后.jpg")] if photos else [],
            )
        if step == CLOSE:
            if story.close_by == "system":
                actor, reason = self.system, SYSTEM_CLOSE_REASON
            elif story.close_by == "resident" and resident_user is not None:
                actor, reason = resident_user, story.close_reason
            else:
                actor, reason = owner, story.close_reason or OWNER_CLOSE_REASON
            return services.complaint_close(complaint_id=pk, actor=actor, reason=reason)
        if step == SURVEY:
            rng = self.rng
            solved, speed, attitude = story.scores or (
                rng.randint(85, 100),
                rng.randint(78, 100),
                rng.randint(88, 100),
            )
            services.survey_submit(
                complaint_id=pk,
                actor=resident_user,
                solved=solved,
                speed=speed,
                attitude=attitude,
                comment=story.survey_comment or rng.choice(SURVEY_COMMENTS),
            )
            return Complaint.objects.select_related("resident").get(pk=pk)
        if step == REVISIT:
            note = story.revisit_note or self.rng.choice(REVISIT_NOTES)
            return services.complaint_revisit(complaint_id=pk, actor=agent, note=note)
        if step == REOPEN:
            actor = agent if previous == REVISIT or resident_user is None else resident_user
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
