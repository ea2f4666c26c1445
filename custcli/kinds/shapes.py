"""What a column's values look like: the evidence a file's cells give of what a column is,
beside what its header says.

    profile(["13800138000", "0871-65123456", ""]) → {"mobile": 0.5, "landline": 0.5, …}

Each shape is a test of one cell; a column's profile is, per shape, the share of its
non-empty cells that pass it. A field names the shapes that say it (`Field.looks`) and those
that rule it out (`Field.never`): a column of 18-character business-licence numbers is never
the tobacco licence, a column of scores out of 100 never a 1-5 satisfaction, a column of a
few class names never the shop's name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from custcli.kinds import normalize as n
from custcli.patterns import lazy

SAMPLE = 200  # cells of a column looked at
FEW_JUDGED = 8  # the values it takes to say a column holds few distinct ones

_DIGITS = lazy(r"\d+")
_MOBILE = lazy(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = lazy(r"0\d{2,3}-?\d{7,8}(?:-\d{1,5})?")
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_TIME = lazy(r"\d{1,2}:\d{2}")
_HAN = lazy(r"[\u3400-\u9fff]")
_TIER = lazy(r"(?:[Dd第]?\s*(\d{1,2})\s*档?|(\d{1,2})档)")

# Words that say what a short text is.
SHOP_WORDS = (
    "店", "超市", "商行", "商店", "经营部", "副食", "批发部", "小卖部", "百货", "门市",
    "烟酒", "便利", "商场", "商贸", "贸易", "士多", "食杂", "杂货", "网吧", "酒店", "宾馆",
    "餐厅", "饭店", "药房", "超级市场", "零售", "商铺", "门店", "市场", "加油站",
)  # fmt: skip
ADDRESS_WORDS = (
    "省", "市", "区", "县", "镇", "乡", "村", "路", "街", "号", "巷", "道", "组", "社区",
    "小区", "大道", "弄", "栋", "楼", "室", "旁", "对面", "附近",
)  # fmt: skip
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申"
    "欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴"
    "蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席"
    "卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟"
    "邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强"
    "帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍"
    "辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉"
    "冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
BRAND_WORDS = (
    "中华", "云烟", "玉溪", "红塔山", "红河", "黄鹤楼", "芙蓉王", "利群", "南京", "白沙", "贵烟",
    "真龙", "娇子", "七匹狼", "泰山", "将军", "钻石", "双喜", "红双喜", "牡丹", "好猫",
    "长白山", "兰州", "黄山", "苏烟", "金圣", "天子", "龙凤呈祥", "红金龙", "大前门", "人民大会堂",
    "黄金叶", "石狮", "猴王", "红梅", "大重九", "冬虫夏草", "宽窄", "雄狮", "延安", "好日子",
    "狮子", "椰树", "荷花", "金桥", "都宝", "哈德门", "阿诗玛", "红旗渠", "帝豪", "小熊猫",
    "熊猫", "一品梅", "红山茶", "恒大", "五叶神", "庐山", "中南海", "壹号", "万宝路", "555",
    "爱喜", "白将", "金丝猴", "苁蓉", "红杉树", "八喜", "经典", "软", "硬",
)  # fmt: skip
_SPEC = lazy(r"[(（](?:软|硬|细支|中支|短支|新版|精品|[^)）]{1,12})[)）]|细支|中支|爆珠|条装|盒装")
STATUS_WORDS = (
    "正常",
    "营业",
    "在营",
    "暂停",
    "歇业",
    "停业",
    "注销",
    "关闭",
    "关停",
    "有效",
    "无效",
)
FORMAT_WORDS = ("便利店", "食杂店", "超市", "商场", "烟酒商店", "烟草专业店", "娱乐服务类",
                "其他", "烟酒店", "专业店", "娱乐", "餐饮")  # fmt: skip
MARKET_WORDS = ("城网", "农网", "城镇", "乡村", "主城区", "城乡结合区", "镇中心区", "镇乡结合区",
                "乡中心区", "村庄", "特殊区域", "城区", "农村")  # fmt: skip
CREDIT_WORDS = ("AAA", "AA", "A", "B", "C", "D")
VISIT_KIND_WORDS = ("实地", "上门", "电话", "微信", "视频", "线上", "走访", "到店", "巡店")
COMPLAINT_WORDS = ("咨询", "投诉", "举报", "建议", "求助", "表扬", "意见")
SETTLEMENT_WORDS = ("电子结算", "现金", "银行", "扣款", "转账", "刷卡")
ORDER_METHOD_WORDS = ("网上订货", "电话订货", "自主订货", "网上", "电话", "自主", "手机")
WEEKDAY_WORDS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日", "星期", "礼拜")
CYCLE_WORDS = ("每周", "双周", "每月", "单周", "隔周", "半月", "每天", "天", "日")
YES_NO = ("是", "否", "有", "无", "Y", "N", "√", "×")


def uscc_valid(text: str) -> bool:
    """An 18-character unified social credit code (统一社会信用代码) with its check character."""
    if len(text) != 18 or any(c not in _USCC_CHARS for c in text):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(text, _USCC_WEIGHTS, strict=False))
    return _USCC_CHARS[(31 - total % 31) % 31] == text[17]


def id_valid(text: str) -> bool:
    """A resident ID number: 18 digits (the last may be X) with its check digit, or 15."""
    if len(text) == 15:
        return text.isdigit()
    if len(text) != 18 or not text[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == text[17].upper()


def _text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e15:
        return str(int(cell))
    return n.halfwidth(str(cell)).strip()


def _number(cell: object) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return n.parse_number(cell)
    except ValueError:
        return None


def _words(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


LONGEST_SHAPED = 1000  # characters: a longer cell is read as prose, not measured further


def shapes_of(cell: object) -> set[str]:
    """The shapes one non-empty cell has."""
    found: set[str] = set()
    if isinstance(cell, dt.datetime):
        found.add("date")
        if cell.time() != dt.time():
            found.add("datetime")
        return found
    if isinstance(cell, dt.date):
        return {"date"}
    if isinstance(cell, str) and len(cell) > LONGEST_SHAPED:  # no code, date or name is
        return {"prose"} if _HAN.search(cell[:LONGEST_SHAPED]) else found
    text = _text(cell)
    compact = text.replace(" ", "")
    plain = compact.replace("-", "")
    if not text:
        return found
    number = _number(cell)
    if _DIGITS.fullmatch(compact):
        if 6 <= len(compact) <= 16:
            found.add("digits")
            if compact.startswith("0"):
                found.add("zero_led")
        if len(compact) == 12:
            found.add("digits12")
    if _MOBILE.fullmatch(plain):
        found.add("mobile")
    elif _LANDLINE.fullmatch(compact) and not _DIGITS.fullmatch(compact):
        found.add("landline")  # written with its area code apart: a code is one run
    upper = plain.upper()
    if (uscc_valid(upper) and not upper.isdigit()) or (uscc_valid(upper) and not id_valid(upper)):
        found.add("uscc")
    if len(upper) in (15, 18) and id_valid(upper):
        found.add("id_card")
    datelike = (
        _is_serial(cell)
        if isinstance(cell, int | float)
        else ("digits" not in found or (len(plain) == 8 and plain[:2] in ("19", "20")))
    )
    if datelike:
        try:
            day = n.parse_date(cell if not _TIME.search(text) else text.split()[0])
        except ValueError:
            day = None
        if day is not None:
            found.add("date")
            if _TIME.search(text):
                found.add("datetime")
    if number is not None and "digits" not in found:
        found.add("number")
        if number.is_integer():
            found.add("whole")
            if 1 <= number <= 5:
                found.add("score5")
            if 1 <= number <= 30:
                found.add("tier")
        if 0 <= number <= 100 and number > 5:
            found.add("score100")
        if not number.is_integer() or "." in text or "¥" in text or "元" in text:
            found.add("money")
        if 73 <= abs(number) <= 136 and _decimals(text) >= 3:
            found.add("longitude")
        if 3 <= abs(number) <= 54 and _decimals(text) >= 3:
            found.add("latitude")
    if (_TIER.fullmatch(text) and "档" in text) or re.fullmatch(r"[Dd]\d{1,2}", text):
        found.add("tier")
    han = bool(_HAN.search(text))
    if han:
        if _shop_like(text):
            found.add("shop")
        if sum(1 for w in ADDRESS_WORDS if w in text) >= 2 or re.search(r"\d+号(?![车线])", text):
            found.add("address")
        if (
            (_words(text, BRAND_WORDS) or _SPEC.search(text))
            and "shop" not in found
            and len(text) <= 16
            and not _SENTENCE.search(text)
        ):
            found.add("brand")
        for name, words in _WORD_SHAPES:
            if text in words or (len(text) <= 4 and _words(text, words)):
                found.add(name)
        core = re.sub(r"[()（）·\s]", "", text)
        worded = "brand" in found or any(name in found for name, _words_ in _WORD_SHAPES)
        if (
            2 <= len(core) <= 4
            and core[0] in SURNAMES
            and not worded
            and not _words(core, (*SHOP_WORDS, *ADDRESS_WORDS[:8]))
        ):
            found.add("person")
        if len(text) >= 12 and not found & {"shop", "address", "brand"}:
            found.add("prose")
    elif text.upper() in CREDIT_WORDS:
        found.add("credit")
    if text in YES_NO:
        found.add("yes_no")
    return found


_WORD_SHAPES = (
    ("status", STATUS_WORDS),
    ("format", FORMAT_WORDS),
    ("market", MARKET_WORDS),
    ("visit_kind", VISIT_KIND_WORDS),
    ("complaint_type", COMPLAINT_WORDS),
    ("settlement", SETTLEMENT_WORDS),
    ("order_method", ORDER_METHOD_WORDS),
    ("weekday", WEEKDAY_WORDS),
    ("cycle", CYCLE_WORDS),
)


_SENTENCE = lazy(r"[，。,;；！？!?：:]")
_TRAILING_BRACKET = lazy(r"[（(][^）)]*[）)]$")


def _shop_like(text: str) -> bool:
    """A shop's name: it ends with a shop word (张三烟酒店, 好又多超市(北京路店)), or holds one
    and reads as a name, not a sentence (店主不在 is not a shop)."""
    core = _TRAILING_BRACKET.sub("", text).strip()
    if any(core.endswith(w) for w in SHOP_WORDS):
        return True
    return (
        len(core) <= 16
        and not _SENTENCE.search(core)
        and _words(core, SHOP_WORDS[1:])  # 店 alone, inside a phrase, says nothing
        and not core.startswith(("店主", "店内", "店面", "店门"))
    )


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _is_serial(cell: object) -> bool:
    """An Excel date serial (a day of 1982 to 2064) rather than a count."""
    return isinstance(cell, int | float) and 30_000 <= cell <= 60_000 and float(cell).is_integer()


def profile(cells: Iterable[object], shaped=None) -> dict[str, float]:
    """Per shape, the share of a column's non-empty cells (the first SAMPLE) that have it;
    "few" is 1 when the column holds few distinct values (a class, a status), "unique" when
    every value differs, "filled" how many cells were looked at. `shaped(cell)` gives a
    cell's shapes (a cache of shapes_of, when the same cells are profiled again)."""
    shaped = shaped or shapes_of
    counts: dict[str, int] = {}
    seen: dict[str, int] = {}
    total = 0
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        total += 1
        for shape in shaped(cell):
            counts[shape] = counts.get(shape, 0) + 1
        key = _text(cell)
        seen[key] = seen.get(key, 0) + 1
        if total >= SAMPLE:
            break
    if not total:
        return {}
    shares = {shape: count / total for shape, count in counts.items()}
    if total >= FEW_JUDGED and len(seen) <= max(3, total // 4) and len(seen) <= 12:
        shares["few"] = 1.0
    if total >= 3 and len(seen) == total:
        shares["unique"] = 1.0
    shares["filled"] = float(total)
    return shares
