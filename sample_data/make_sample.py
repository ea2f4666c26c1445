"""Make the sample workbooks: a roster of 360 retailers in 3 districts, a year of orders and
visits for them, and the brand table. Fixed seed: anyone gets the same files on the same day.

    python sample_data/make_sample.py [--out DIR] [--customers N] [--today YYYY-MM-DD]

The data is made relative to the day it is generated (default: today), so the demo looks
alive on any day: visits run to yesterday, and orders to the end of last month, as when the
ordering system's export arrives monthly. The roster looks like a company system's export:
a title line and an export date above the headers, and a 合计 row at the bottom.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

import rvgsrust_xlsxwriter

SEED = 20261123


@dataclass(frozen=True)
class Span:
    """The days the sample covers, worked out from the day it is made."""

    today: dt.date

    @property
    def last_order(self) -> dt.date:  # the end of last month
        return self.today.replace(day=1) - dt.timedelta(days=1)

    @property
    def last_visit(self) -> dt.date:
        return self.today - dt.timedelta(days=1)

    @property
    def first_day(self) -> dt.date:  # the first of the month a year before last month
        last = self.last_order
        return dt.date(last.year - 1, last.month, 1) + dt.timedelta(
            days=calendar.monthrange(last.year - 1, last.month)[1]
        )

    @property
    def fading_from(self) -> dt.date:  # a few shops stop ordering four months before the end
        return self.last_order - dt.timedelta(days=122)


DISTRICTS = [
    # (name, number, market, manager, district of the city, roads)
    ("城东片区", 1, "城网", "李明", "盘龙区", ["北京路", "白塔路", "穿金路", "金星路", "东风东路"]),
    (
        "城西片区",
        2,
        "城网",
        "王芳",
        "五华区",
        ["人民西路", "西昌路", "滇缅大道", "龙泉路", "黄土坡"],
    ),
    ("北郊片区", 3, "农网", "赵强", "嵩明县", ["嵩阳镇", "杨林镇", "小街镇", "牛栏江镇", "滇源镇"]),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
)
GIVEN = "明芳强伟静丽军勇艳杰娟涛超霞平刚桂英华玉兰秀珍建国红梅志文斌海燕云飞"
SHOP_WORDS = ["烟酒店", "便利店", "副食店", "超市", "烟酒商行", "小卖部", "百货", "商店"]
SHOP_PREFIXES = [
    "兴隆",
    "福满",
    "好邻居",
    "顺发",
    "利民",
    "金源",
    "鑫鑫",
    "万家",
    "惠民",
    "老街",
    "阳光",
    "和谐",
    "平安",
    "双喜",
    "幸福",
]
FORMATS = [
    ("便利店", 40),
    ("食杂店", 35),
    ("超市", 8),
    ("烟草专业店", 7),
    ("娱乐服务类", 5),
    ("其他", 5),
]
LUNAR_MONTHS = "正二三四五六七八九十冬腊"
LUNAR_DAYS = ["初一", "初五", "初八", "初十", "十二", "十五", "十八", "二十", "廿三", "廿六"]
WEEKDAYS = ["周一", "周二", "周三", "周四", "周五"]

# (name, wholesale 元/条, retail 元/条, features, promotion)
BRANDS = [
    ("中华(硬)", 380.0, 450.0, "高端礼品烟，辨识度高", ""),
    ("玉溪(软)", 180.0, 230.0, "云南本地一类烟，口感醇和", "本月每户限3条"),
    ("云烟(软珍品)", 185.0, 230.0, "云南本地一类烟", ""),
    ("芙蓉王(硬)", 200.0, 250.0, "湖南名烟，商务用烟", ""),
    ("黄鹤楼(硬金砂)", 150.0, 190.0, "细分市场畅销", "陈列达标返利"),
    ("红塔山(硬经典)", 85.0, 100.0, "老品牌，口碑稳定", ""),
    ("云烟(紫)", 80.0, 100.0, "二类主力规格", ""),
    ("红河(硬99)", 72.0, 90.0, "新品，重点培育", "新品上柜奖励"),
    ("玉溪(硬)", 95.0, 120.0, "二类上量规格", ""),
    ("红塔山(软经典)", 60.0, 75.0, "三类主力", ""),
    ("红河(软甲)", 45.0, 55.0, "三类走量规格", ""),
    ("云烟(软大重九)", 65.0, 80.0, "三类畅销", ""),
    ("红梅(软)", 38.0, 45.0, "三类低价位", ""),
    ("红河(软)", 25.0, 30.0, "四类主销", ""),
    ("石林(软)", 22.0, 28.0, "四类，农村畅销", ""),
    ("红梅(黄)", 18.0, 23.0, "四类口粮烟", ""),
    ("春城(软)", 12.0, 15.0, "五类，价格实惠", ""),
    ("金沙江(软)", 10.0, 13.0, "五类", ""),
]


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def make_customers(rng: random.Random, count: int) -> list[dict]:
    customers = []
    for index in range(count):
        name, number, market, manager, county, roads = DISTRICTS[index % len(DISTRICTS)]
        owner = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2])))
        if rng.random() < 0.4:
            shop = f"{owner[0]}记{rng.choice(SHOP_WORDS)}"
        else:
            shop = f"{rng.choice(SHOP_PREFIXES)}{rng.choice(SHOP_WORDS)}"
        shop = f"{shop}({rng.choice(roads)}店)" if rng.random() < 0.3 else shop
        tier = max(1, min(30, int(rng.gauss(14, 6))))
        cycle = "每周" if tier >= 20 else ("双周" if tier >= 8 else "每月")
        if rng.random() < 0.5:
            birthday = f"农历{rng.choice(LUNAR_MONTHS)}月{rng.choice(LUNAR_DAYS)}"
        else:
            birthday = dt.date(
                rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)
            ).isoformat()
        customers.append(
            {
                "客户编码": f"0530{number}{index + 1:07d}",
                "客户名称": shop,
                "经营者": owner,
                "联系电话": f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}",
                "经营地址": f"昆明市{county}{rng.choice(roads)}{rng.randint(1, 300)}号",
                "许可证号": f"5301{number:02d}{index + 1:06d}",
                "片区": name,
                "客户经理": manager,
                "档位": f"{tier}档",
                "经营业态": weighted(rng, FORMATS),
                "市场类型": market,
                "拜访周期": cycle,
                "订货日": rng.choice(WEEKDAYS),
                "结算方式": "电子结算" if rng.random() < 0.85 else "现金",
                "订货方式": "网上订货" if rng.random() < 0.8 else "电话订货",
                "诚信等级": weighted(rng, [("AA", 90), ("AAA", 3), ("A", 4), ("B", 2), ("C", 1)]),
                "店主生日": birthday,
                "开业日期": dt.date(
                    rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
                ).isoformat(),
                "营业时间": rng.choice(["07:30-22:00", "08:00-23:00", "全天"]),
                "冰柜": rng.choice(["有", "无"]),
            }
        )
    return customers


def weekly_dates(span: Span, weekday: int):
    day = span.first_day + dt.timedelta(days=(weekday - span.first_day.weekday()) % 7)
    while day <= span.last_order:
        yield day
        day += dt.timedelta(days=7)


def make_orders(rng: random.Random, customers: list[dict], span: Span) -> list[list]:
    rows = []
    for customer in customers:
        tier = int(customer["档位"].removesuffix("档"))
        portfolio = rng.sample(BRANDS, k=min(len(BRANDS), 3 + tier // 3))
        weekday = WEEKDAYS.index(customer["订货日"])
        fading = rng.random() < 0.05  # a few shops slip away over the year
        for day in weekly_dates(span, weekday):
            if rng.random() < 0.25 or (fading and day > span.fading_from):
                continue
            for brand, wholesale, *_ in rng.sample(portfolio, k=rng.randint(2, len(portfolio))):
                qty = max(1, int(rng.gauss(1 + tier / 5, 1.5)))
                rows.append([day, customer["客户编码"], brand, qty, round(qty * wholesale, 2)])
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def make_visits(rng: random.Random, customers: list[dict], span: Span) -> list[list]:
    cycles = {"每周": 7, "双周": 14, "每月": 30}
    found = ["价签缺失，已补换", "陈列不规范，已调整", "新品红河(硬99)未上柜", "", "", ""]
    notes = ["维护店面形象", "补换价格标签", "优化卷烟陈列", "品牌知识宣讲", "经营知识辅导"]
    rows = []
    for customer in customers:
        day = span.first_day + dt.timedelta(days=rng.randint(0, 6))
        while day <= span.last_visit:
            kind = "实地" if rng.random() < 0.8 else rng.choice(["电话", "微信"])
            rows.append(
                [
                    day,
                    customer["客户编码"],
                    customer["客户名称"],
                    kind,
                    rng.choice(notes),
                    rng.choice(found),
                    rng.choice([3, 4, 4, 5, 5]),
                    customer["客户经理"],
                ]
            )
            day += dt.timedelta(days=cycles[customer["拜访周期"]] + rng.randint(-1, 3))
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def write_sheet(
    path: Path,
    sheet: str,
    headers: list[str],
    rows: list[list],
    title: str | None = None,
    total: list | None = None,
    exported_on: dt.date | None = None,
) -> None:
    book = rvgsrust_xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet, constant_memory=True)
    text = book.add_format().set_num_format("@")
    date = book.add_format().set_num_format("yyyy-mm-dd")
    row = 0
    if title:
        ws.write(row, 0, title)
        ws.write(row + 1, 0, f"导出日期：{exported_on:%Y年%m月%d日}")
        row += 3  # a blank line under the export date, as the systems do
    ws.write_row(row, 0, headers)
    write = ws.write
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                write(row, col, value, date)
            elif isinstance(value, str):
                write(row, col, value, text)
            else:
                write(row, col, value)
    if total:
        ws.write_row(row + 1, 0, total)
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument("--customers", type=int, default=360)
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="the day the data is made for (default: today)",
    )
    args = parser.parse_args()
    span = Span(args.today)
    rng = random.Random(SEED)
    args.out.mkdir(parents=True, exist_ok=True)

    customers = make_customers(rng, args.customers)
    headers = list(customers[0])
    write_sheet(
        args.out / "roster.xlsx",
        "零售客户",
        headers,
        [list(c.values()) for c in customers],
        title="零售客户信息一览表",
        total=["合计", f"{len(customers)}户"],
        exported_on=span.today,
    )
    orders = make_orders(rng, customers, span)
    write_sheet(
        args.out / "orders.xlsx",
        "订单明细",
        ["订货日期", "客户编码", "卷烟名称", "订购量(条)", "金额(元)"],
        orders,
    )
    visits = make_visits(rng, customers, span)
    write_sheet(
        args.out / "visits.xlsx",
        "拜访记录",
        [
            "拜访日期",
            "客户编码",
            "客户名称",
            "拜访方式",
            "拜访内容",
            "发现问题",
            "满意度",
            "客户经理",
        ],
        visits,
    )
    brand_rows = [
        [name, wholesale, retail, features, promotion]
        for name, wholesale, retail, features, promotion in BRANDS
    ]
    write_sheet(
        args.out / "brands.xlsx",
        "品牌",
        ["卷烟名称", "批发价(元/条)", "零售价(元/条)", "特点", "促销政策"],
        brand_rows,
    )
    print(
        f"wrote {len(customers)} customers, {len(orders)} order lines, {len(visits)} visits, "
        f"{len(BRANDS)} brands to {args.out}"
    )


if __name__ == "__main__":
    main()
