"""金融港商业中心, the commercial complex: its complaint stories."""

from complaints.demo.places import P2
from complaints.demo.stories.story import CLOSE, HANDLE, REVISIT, TO_DISPATCHED, Story
from complaints.models import Channel, Level
from complaints.models import State as S

W, A, PH, WK, IOT = Channel.WEB, Channel.APP, Channel.PHONE, Channel.WALK_IN, Channel.IOT

# fmt: off
COMMERCIAL = (
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
        path=(*TO_DISPATCHED, HANDLE, CLOSE, REVISIT),
        revisit_note="复查现场：更换浮球开关后运行两天，排污泵又出现跳闸，需要工程部彻底检修。",
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
