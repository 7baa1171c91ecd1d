"""翠湖花园, the residential property: its complaint stories, by theme."""

from complaints.demo.places import P1
from complaints.demo.stories.story import (
    ACCEPT,
    CLASSIFY,
    CLOSE,
    DISPATCH,
    HANDLE,
    MERGE,
    MISROUTE,
    REOPEN,
    REVISIT,
    SURVEY,
    TO_DISPATCHED,
    TRANSFER,
    Story,
)
from complaints.models import Channel, Level
from complaints.models import State as S
from staff.models import Team

W, A, PH, WK, PA, CM, IOT = (
    Channel.WEB,
    Channel.APP,
    Channel.PHONE,
    Channel.WALK_IN,
    Channel.PAPER,
    Channel.COMMITTEE,
    Channel.IOT,
)

# fmt: off
RESIDENTIAL = (
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
        resident="resident4",  # the README's picture of a resident's timeline
        path=(*TO_DISPATCHED, HANDLE, REOPEN, DISPATCH, HANDLE, CLOSE, SURVEY),
        reopen_reason="师傅走了没多久又开始滴水了，问题没有解决。",
        close_reason="这次彻底不漏了，谢谢。",
    ),
    Story(
        "water-outage", P1, "water-power", PH, S.CLOSED,
        "住户来电：今天早上七点开始2幢突然停水，物业没有提前通知，家里老人没法做饭，"
        "要求尽快恢复并说明原因。",
        building="2幢", location="2幢全楼",
        path=(*TO_DISPATCHED, TRANSFER, HANDLE, CLOSE, SURVEY), slow=True,
        scores=(80, 60, 80), survey_comment="停水通知太晚，修复时间也太长。",
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
        path=(*TO_DISPATCHED, HANDLE, CLOSE, SURVEY, REVISIT),
        scores=(40, 60, 80), survey_comment="清理了没两天又是一地，治标不治本。",
        revisit_note="回访不满意：清理后第二天又有，问题没有根本解决；要求增加巡查频次，"
        "并在步道张贴文明养犬提示。",
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
        path=(*TO_DISPATCHED, HANDLE, CLOSE, REOPEN),
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
        scores=(60, 80, 60), survey_comment="道歉了，但希望前台真正改进服务态度。",
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
)
# fmt: on
