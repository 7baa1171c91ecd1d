"""The year behind the demo's present: the complaints of the twelve months before this
one, so that the monthly reports have a year to show. Generated as stories like the
hand-written ones and told through the same services and jobs.

- How many: each kind of problem comes at its own monthly rate, changed by the time of
  year (leaks in the plum rains and the typhoons, fee questions when the annual bill
  comes, garbage and fireworks at the Spring Festival, air conditioning in the summer).
- Who: a resident of the property, named or neighbour, by the channels residents use;
  a few sensor alarms.
- How well: each team's form over the year sets how often it is late or has to come
  back, and how residents rate it: 翠湖花园's environment team improves all year, its
  security team slips, engineering struggles through the rainy summer and customer
  service with January's bills; at 金融港商业中心 the air conditioning swamps
  engineering in the summer and a new car-park barrier mends security from June.

Every choice comes from a generator seeded here, so a demo seeded in the same month
plans the same year. All of its complaints are finished by now: closed, revisited or
withdrawn; the open ones are the hand-written stories' of the last days.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from complaints.demo.people import NEIGHBOURS, RESIDENTS, ResidentSpec
from complaints.demo.places import BUILDINGS, P1, P2
from complaints.demo.stories.story import (
    CLOSE,
    DISPATCH,
    HANDLE,
    REOPEN,
    REVISIT,
    SURVEY,
    TO_DISPATCHED,
    WITHDRAW,
    Story,
)
from complaints.models import Channel
from complaints.models import State as S
from staff.models import Team

YEAR_SEED = 20251201
MONTHS = 12
ENG, ENV, SEC, CS, MGT = (
    Team.Kind.ENGINEERING,
    Team.Kind.ENVIRONMENT,
    Team.Kind.SECURITY,
    Team.Kind.CUSTOMER_SERVICE,
    Team.Kind.MANAGEMENT,
)


@dataclass(frozen=True)
class Problem:
    """One way a kind of problem is put: where it is (the resident's unit, a common
    area of the resident's building, or of the property) and the words."""

    place: str
    text: str
    location: str = ""


def _problems(*rows: tuple[str, str, str]) -> tuple[Problem, ...]:
    return tuple(Problem(*row) for row in rows)


U, B, P = "unit", "building", "property"
# fmt: off
PROBLEMS = {
    P1: {
        "elevator": _problems(
            (B, "电梯门关的时候会突然弹开好几次，要按很久才能关上。", "{entrance} 电梯"),
            (B, "电梯按键面板有几个楼层按了不亮，要按好多下才有反应。", "{entrance} 电梯轿厢"),
            (B, "电梯平层不准，出电梯要跨一个台阶，老人差点绊倒。", "{entrance} 电梯"),
            (B, "电梯里的通风扇不转了，天热的时候闷得透不过气。", "{entrance} 电梯轿厢"),
        ),
        "water-power": _problems(
            (U, "家里水龙头出水发黄，放了很久还有铁锈味。", "厨房"),
            (U, "家里突然跳闸，总闸推不上去，楼道电表箱那边好像有问题。", "入户电表箱"),
            (B, "地下水泵房的水泵夜里一直轰轰响，楼上都能听到。", "地下水泵房"),
            (U, "寒潮过后阳台的水管冻裂了，一直在滴水。", "阳台水管"),
        ),
        "lighting": _problems(
            (B, "楼道声控灯坏了好几盏，晚上上下楼全靠手机照明。", "{entrance} 楼道"),
            (B, "单元门口的照明灯一直不亮，晚上回家找不到门禁按钮。", "{entrance} 门口"),
            (P, "小区北门附近的庭院灯坏了，晚上那一段很黑。", "北门附近庭院灯"),
            (P, "地下车库C区的灯管有一半不亮，停车看不清。", "地下车库C区"),
        ),
        "leak": _problems(
            (U, "下大雨后卧室外墙渗水，墙纸都鼓起来了。", "次卧外墙"),
            (U, "厨房天花板在滴水，应该是楼上的下水管漏了。", "厨房天花板"),
            (B, "顶楼楼道天花板漏雨，地上接了两个桶。", "{entrance} 顶楼楼道"),
            (P, "地下车库坡道口雨水倒灌，积水已经没过脚踝。", "地下车库入口坡道"),
            (U, "阳台地漏反水，一下雨阳台就积水。", "阳台"),
        ),
        "fire-safety": _problems(
            (B, "楼梯间有人堆放纸箱和旧家具，把消防通道堵住了。", "{entrance} 楼梯间"),
            (B, "消防栓箱里的水带不见了，箱门也关不上。", "{entrance} 消防栓"),
            (P, "有人在楼下绿化带旁边放烟花，火星落到了车棚顶上。", "{building}旁车棚"),
        ),
        "garbage": _problems(
            (B, "楼下垃圾桶满了没人清运，周围一股臭味。", "楼下垃圾分类亭"),
            (P, "东门旁的大件垃圾点堆满了旧沙发和床垫，一直没人清理。", "东门大件垃圾点"),
            (B, "垃圾房门口堆满了垃圾袋，野猫把袋子都抓破了。", "垃圾房"),
        ),
        "cleaning": _problems(
            (B, "电梯厅地面有很多污渍，好几天没拖了。", "{entrance} 电梯厅"),
            (B, "楼梯扶手和窗台积了很厚的灰，保洁好像很久没来过。", "{entrance} 楼梯间"),
            (P, "中心花园的水池里飘满了落叶和垃圾，还有异味。", "中心花园水池"),
        ),
        "greening": _problems(
            (P, "绿化带里杂草很多，蚊虫特别多，晚上没法在楼下乘凉。", "{building}旁绿化带"),
            (P, "刮大风后有棵树倒在步道上，还没人清理。", "中心花园步道"),
            (B, "楼前的灌木长得太高，挡住了一楼住户的窗户。", "楼前灌木"),
            (P, "草坪打药没有提前通知，孩子在草地上玩了一下午。", "中心草坪"),
        ),
        "parking": _problems(
            (P, "地下车库有辆车长期占着两个车位，过道也被挡住了。", "地下车库"),
            (P, "小区主干道两边乱停车，消防车根本开不进来。", "主干道"),
            (P, "车库入口道闸识别不了我的车牌，每次都要等保安人工抬杆。", "地下车库入口"),
            (B, "电动车停在单元门口的盲道上，轮椅过不去。", "{entrance} 门口"),
        ),
        "outsiders": _problems(
            (P, "晚上经常有陌生人在小区里转悠，门岗也不问。", "南门"),
            (B, "有人在单元门口发传单，还跟着住户进楼。", "{entrance} 门口"),
            (P, "快递员骑电动车在小区里开得很快，差点撞到孩子。", "小区主干道"),
        ),
        "safety-hazard": _problems(
            (B, "楼顶天台的护栏松动了，有小孩上去玩，很危险。", "楼顶天台"),
            (P, "大风把围墙边的广告牌吹歪了，随时可能掉下来。", "西侧围墙"),
            (B, "单元门口雨棚的玻璃裂了，下面经常有人走。", "{entrance} 门口雨棚"),
        ),
        "neighbour-dispute": _problems(
            (U, "楼上邻居家空调外机滴水，正好滴在我家阳台上。", "阳台"),
            (U, "隔壁装修每天早上七点就开始打电钻，周末也不停。", ""),
            (U, "楼下邻居在公共楼道里养鸡，味道很大。", ""),
            (U, "楼上夜里经常有很大的动静，当面沟通过几次都没有改善。", ""),
        ),
        "fees": _problems(
            (U, "物业费账单上的金额和去年不一样，没有任何通知就涨价了。", ""),
            (U, "在线缴了物业费，系统里还显示欠费，还收到了催缴短信。", ""),
            (U, "车位管理费的发票一直没开出来，要求尽快补开。", ""),
        ),
        "service-attitude": _problems(
            (P, "打物业服务电话好几次都没人接，接通后客服态度很冷淡。", "客服热线"),
            (U, "维修师傅上门没有穿鞋套，弄脏了地板也不道歉。", ""),
            (P, "门岗保安说话很冲，访客登记的时候还不耐烦。", "南门门岗"),
        ),
        "suggestion": _problems(
            (P, "建议在儿童游乐区加装遮阳棚，夏天滑梯晒得烫手。", "儿童游乐区"),
            (P, "建议小区公告除了贴在电梯里，也在业主群里发一份。", ""),
            (P, "建议增加快递柜，现在的快递柜总是满的。", "南门"),
        ),
    },
    P2: {
        "elevator": _problems(
            (B, "早高峰电梯等候时间太长，有一部客梯停用好几天了。", "客梯厅"),
            (B, "货梯门经常卡住，送货的推车进不去。", "货梯"),
            (B, "电梯到站提示音坏了，视障访客不知道到了哪层。", "客梯"),
        ),
        "facilities": _problems(
            (U, "办公室中央空调不制冷，下午室温超过28度，员工没法办公。", "办公室"),
            (B, "大堂的自动门感应失灵，经常夹到人。", "大堂自动门"),
            (U, "店里新风系统噪音很大，影响营业。", "店内"),
            (U, "办公室空调出风口滴水，把文件都打湿了。", "办公室"),
        ),
        "water-power": _problems(
            (B, "卫生间洗手台一直没有热水。", "公共卫生间"),
            (U, "办公室一排插座没电，几台电脑都开不了机。", "办公室"),
        ),
        "lighting": _problems(
            (B, "消防楼梯间的应急灯一直在闪。", "消防楼梯"),
            (P, "地下车库B2层有一排灯不亮。", "地下车库B2层"),
        ),
        "leak": _problems(
            (U, "办公室窗边渗水，下雨后地毯湿了一大片。", "办公室窗边"),
            (B, "公共卫生间隔间地面一直有积水。", "公共卫生间"),
            (P, "下暴雨时车库入口往里灌水，车道上积水很深。", "地下车库入口"),
        ),
        "fire-safety": _problems(
            (B, "消防楼梯间的防火门被东西顶开了，一直关不上。", "消防楼梯"),
        ),
        "garbage": _problems(
            (P, "餐饮垃圾在后巷放的时间太长，招老鼠。", "后巷餐饮垃圾点"),
        ),
        "cleaning": _problems(
            (B, "公共卫生间没有纸巾和洗手液。", "公共卫生间"),
            (B, "电梯厅的垃圾桶满了没人倒。", "电梯厅"),
            (B, "大堂地面雨天很滑，也没有放防滑垫。", "大堂"),
        ),
        "parking": _problems(
            (P, "车库的充电车位被燃油车占了。", "地下车库充电车位"),
            (P, "月卡车辆出库时道闸识别不了，出口排起长队。", "车库出口"),
            (P, "访客车辆在车库里找不到车位，指示屏显示的空位都不准。", "地下车库"),
        ),
        "outsiders": _problems(
            (B, "有人在写字楼里挨层发传单推销。", "各楼层"),
            (B, "晚上大堂里有外来人员逗留，前台也不管。", "大堂"),
        ),
        "fees": _problems(
            (U, "本季度物业费账单的单价和合同约定的不一样。", ""),
            (U, "空调加时费算错了，要求核对后重新开账单。", ""),
        ),
        "service-attitude": _problems(
            (P, "前台给访客登记时很不耐烦，客户来了等了十几分钟。", "大堂前台"),
        ),
        "suggestion": _problems(
            (P, "建议在大堂放共享雨伞架，下雨天很多访客没带伞。", "大堂"),
            (P, "建议午餐高峰增加一部电梯专门停餐饮楼层。", "客梯厅"),
        ),
    },
}
# Sensor alarms: (property, category, text, location); the building is drawn.
ALARMS = (
    (P1, "elevator", "【物联网告警】{building}{entrance}电梯轿厢振动值超过阈值，持续 30 秒以上，"
     "请安排人员现场核查。", "{entrance} 电梯（振动传感器）"),
    (P2, "leak", "【物联网告警】{building}地下一层集水井水位超过高液位报警线，请派人处理。",
     "{building}地下一层集水井"),
)
# Complaints a month of each kind, before the time of year changes it; a month's kinds
# are drawn by these rates.
RATES = {
    P1: {
        "elevator": 0.85, "water-power": 0.7, "lighting": 0.7, "leak": 0.5, "fire-safety": 0.13,
        "garbage": 0.6, "cleaning": 0.7, "greening": 0.5, "parking": 0.75, "outsiders": 0.4,
        "safety-hazard": 0.13, "neighbour-dispute": 0.6, "fees": 0.45, "service-attitude": 0.3,
        "suggestion": 0.25,
    },
    P2: {
        "elevator": 0.8, "facilities": 0.8, "water-power": 0.35, "lighting": 0.25, "leak": 0.35,
        "fire-safety": 0.1, "garbage": 0.25, "cleaning": 0.7, "parking": 0.75, "outsiders": 0.25,
        "fees": 0.35, "service-attitude": 0.2, "suggestion": 0.2,
    },
}
# Each month's count is its kinds' rates together, give or take this much.
MONTH_SPREAD = 0.85, 1.15
ALARM_RATE = 0.25  # the chance of a sensor alarm a month
# The time of year: the factor on a kind's rate in each calendar month.
SEASONS = {
    # few in the dry winter; the plum rains, then the typhoons
    "leak": {12: 0.4, 1: 0.4, 2: 0.5, 5: 1.5, 6: 4.0, 7: 4.5, 8: 3.0, 9: 2.0},
    "water-power": {1: 2.0, 7: 1.5, 8: 1.5},  # frozen pipes; summer demand
    "lighting": {11: 1.3, 12: 1.4, 1: 1.4},  # dark evenings
    "fire-safety": {2: 4.0},  # Spring Festival fireworks
    "garbage": {2: 2.5, 10: 1.5},  # Spring Festival, National Day
    "greening": {12: 0.4, 1: 0.3, 2: 0.4, 4: 1.6, 5: 2.0, 6: 1.8, 8: 1.5, 9: 1.6},
    "safety-hazard": {8: 3.0, 9: 2.0},  # typhoons
    "neighbour-dispute": {6: 1.3, 7: 1.6, 8: 1.6},  # windows open
    "fees": {1: 4.0, 7: 1.5},  # the annual bill; the mid-year one
    "facilities": {6: 2.5, 7: 3.5, 8: 3.0, 9: 1.5, 1: 1.4},  # air conditioning
    "parking": {2: 0.5},  # the holiday empties the car parks
}
# fmt: on
RESIDENT_CHANNELS = {
    P1: ((Channel.APP, 35), (Channel.WEB, 20), (Channel.PHONE, 30), (Channel.WALK_IN, 12)),
    P2: ((Channel.WEB, 35), (Channel.APP, 20), (Channel.PHONE, 30), (Channel.WALK_IN, 15)),
}
PAPER_SHARE = 0.03
WITHDRAWN_SHARE = 0.04
# Who closes a fix: the resident confirming it, the auto-confirm job after the resident's
# silence, the owner after the resident said so on the phone; as a share of fixes.
CLOSED_BY = {"resident": 60, "system": 25, "owner": 15}
ANSWERED_SHARE = 0.85  # of the residents who confirm a fix, those who rate it
REVISITED_SHARE = 0.65  # of the closed complaints, those customer service calls back


def team_form(prop: str, kind: str, index: int, month: int) -> float:
    """How well a team does, 0 to 1, in the `index`th month of the year (0 the oldest)
    that is calendar month `month`."""
    if prop == P1:
        if kind == ENG:
            return {7: 0.4, 8: 0.45, 9: 0.65}.get(month, 0.85)
        if kind == ENV:
            return 0.3 + 0.055 * index  # the team that improves
        if kind == SEC:
            return 0.95 - 0.055 * index  # the team that slips
        if kind == CS:
            return 0.4 if month == 1 else 0.8
        return 0.6
    if kind == ENG:
        return 0.4 if month in (6, 7, 8) else 0.8
    if kind == SEC:
        return 0.45 if month in (12, 1, 2, 3, 4, 5) else 0.85  # the new barrier from June
    return {ENV: 0.8, CS: 0.85}.get(kind, 0.7)


REOPEN_REASONS = (
    "师傅刚走没多久又坏了。",
    "问题没有解决，和之前一样。",
    "只处理了一半，剩下的没人管。",
)
WITHDRAW_REASONS = (
    "问题自己解决了，撤回。",
    "弄错了，撤回。",
    "已经和对方沟通好了，先撤回。",
)
SURVEY_COMMENTS = {
    "low": (
        "等了两天才有人来，太慢了。",
        "问题反复出现，希望彻底解决。",
        "师傅上门时间一改再改。",
        "处理结果一般，沟通也不够。",
    ),
    "middle": ("处理还可以，就是慢了点。", "基本解决了，希望以后响应快一些。", ""),
    "high": ("", "师傅很专业，处理得很及时。", "客服回复很快，点赞。", "整体满意，继续保持。"),
}
REVISIT_NOTES_UNHAPPY = (
    "回访住户：问题已解决，但对处理速度不满意，已向班组反馈。",
    "回访住户：认为前后跑了几趟才修好，希望一次处理到位。",
    "回访住户：结果可以接受，对沟通不及时有意见。",
)
OWNER_CLOSE_REASONS = (
    "住户电话确认已处理完毕，同意关闭。",
    "现场复核已处理完毕，住户口头确认。",
)
ALARM_CLOSE_REASON = "物联网告警，现场复核设备运行正常。"


def year_stories(*, now: datetime, team_kinds: dict[str, str]) -> tuple[Story, ...]:
    """The complaints of the MONTHS calendar months before the one `now` falls in, oldest
    month first; `team_kinds` gives each category's team kind (by code)."""
    rng = random.Random(YEAR_SEED)
    local = timezone.localtime(now).date()
    stories = []
    for back in range(MONTHS, 0, -1):
        index = local.year * 12 + local.month - 1 - back
        month = date(index // 12, index % 12 + 1, 1)
        # The demo's year starts on the 2nd: the monthly job of its 1st, had the cluster
        # run then, would have published an empty month before it.
        first_day = 2 if back == MONTHS else 1
        for prop in (P1, P2):
            rates = {
                category: rate * SEASONS.get(category, {}).get(month.month, 1.0)
                for category, rate in RATES[prop].items()
            }
            count = round(sum(rates.values()) * rng.uniform(*MONTH_SPREAD))
            categories = rng.choices(list(rates), weights=list(rates.values()), k=count)
            for number, category in enumerate(sorted(categories, key=list(rates).index), 1):
                form = team_form(prop, team_kinds[category], MONTHS - back, month.month)
                day = _day(month, first_day, rng)
                key = f"{prop}-{month:%Y%m}-{number:02d}"
                stories.append(_story(key, prop, category, day, form, rng))
            for alarm in ALARMS:
                if alarm[0] == prop and rng.random() < ALARM_RATE:
                    key = f"{prop}-{month:%Y%m}-{count + 1:02d}"
                    stories.append(_alarm(key, alarm, _day(month, first_day, rng), rng))
    return tuple(stories)


def _day(month: date, first: int, rng: random.Random) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return month.replace(day=rng.randint(first, (following - month).days))


def _residents(prop: str) -> list[ResidentSpec]:
    return [spec for spec in (*RESIDENTS, *NEIGHBOURS) if spec.property == prop]


def _where(problem: Problem, spec: ResidentSpec) -> dict:
    words = {"building": spec.building, "entrance": spec.entrance or spec.building}
    return {
        "text": problem.text.format(**words),
        "location": problem.location.format(**words),
        "place": problem.place,
        "building": spec.building,
    }


def _story(key: str, prop: str, category: str, day: date, form: float, rng: random.Random) -> Story:
    """One resident's complaint, handled by a team in about `form`: the less in form,
    the more often it is late (handled after the resolve deadline) or has to come back,
    and the lower the resident rates it (speed lower still when late, solved when it
    came back)."""
    spec = rng.choice(_residents(prop))
    where = _where(rng.choice(PROBLEMS[prop][category]), spec)
    if rng.random() < PAPER_SHARE:
        channel = Channel.PAPER
    else:
        channels, weights = zip(*RESIDENT_CHANNELS[prop], strict=True)
        channel = rng.choices(channels, weights=weights)[0]
    common = {
        "key": key,
        "property": prop,
        "category": category,
        "channel": channel,
        "resident": spec.username,
        "filed": day,
        **where,
    }
    if rng.random() < WITHDRAWN_SHARE:
        return Story(
            **common,
            state=S.WITHDRAWN,
            path=(WITHDRAW,),
            withdraw_reason=rng.choice(WITHDRAW_REASONS),
        )
    form = min(1.0, max(0.05, rng.gauss(form, 0.1)))
    slow = rng.random() < 0.04 + 0.5 * (1 - form)
    reopened = rng.random() < 0.02 + 0.25 * (1 - form)
    close_by = rng.choices(list(CLOSED_BY), weights=list(CLOSED_BY.values()))[0]
    base = 52 + 46 * form
    # The resident gives stars in the portal: 1 to 5, 20 points each.
    scores = tuple(
        max(20, min(100, 20 * round(rng.gauss(mean, spread) / 20)))
        for mean, spread in (
            (base - (12 if reopened else 0), 9),
            (base - (18 if slow else 0), 10),
            (base + 4, 8),
        )
    )
    mean = sum(scores) / 3
    answered = close_by == "resident" and rng.random() < ANSWERED_SHARE
    revisited = rng.random() < REVISITED_SHARE
    path = (
        *TO_DISPATCHED,
        HANDLE,
        *((REOPEN, DISPATCH, HANDLE) if reopened else ()),
        CLOSE,
        *((SURVEY,) if answered else ()),
        *((REVISIT,) if revisited else ()),
    )
    band = "low" if mean < 70 else "middle" if mean < 85 else "high"
    unhappy = (answered and band == "low") or slow
    return Story(
        **common,
        state=S.REVISITED if revisited else S.CLOSED,
        path=path,
        slow=slow,
        close_by=close_by,
        close_reason=rng.choice(OWNER_CLOSE_REASONS) if close_by == "owner" else "",
        scores=scores,
        survey_comment=rng.choice(SURVEY_COMMENTS[band]),
        reopen_reason=rng.choice(REOPEN_REASONS) if reopened else "",
        revisit_note=rng.choice(REVISIT_NOTES_UNHAPPY) if revisited and unhappy else "",
    )


def _alarm(key: str, alarm: tuple[str, str, str, str], day: date, rng: random.Random) -> Story:
    prop, category, text, location = alarm
    building = rng.choice(BUILDINGS[prop][:2])
    words = {"building": building, "entrance": "1单元" if prop == P1 else ""}
    return Story(
        key=key,
        property=prop,
        category=category,
        channel=Channel.IOT,
        state=S.CLOSED,
        text=text.format(**words),
        building=building,
        location=location.format(**words),
        with_resident=False,
        close_by="owner",
        close_reason=ALARM_CLOSE_REASON,
        path=(*TO_DISPATCHED, HANDLE, CLOSE),
        filed=day,
    )
