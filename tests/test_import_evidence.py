"""Import that reads the values and the trade's words: each class of file the field sends,
written here as the company's systems lay them out (none of them is in the word lists as a
whole), and what must land, what must not, and what must be asked."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
from pathlib import Path

import pytest
from helpers.terminal import at_terminal, cust
from spreadsheets import spreadsheetml, write_xlsx

D = dt.datetime


def _lines(db_path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def two_shops(add_shop):
    add_shop("000100000001", "张三烟酒店", phone="13800138000", address="北京路1号")
    add_shop("000100000002", "李四便利店", license_no="530102100002")


# --- units and quantities -----------------------------------------------------------------


def test_a_quantity_in_cases_and_in_cartons_keeps_the_carton_one_and_warns_on_disagreement(
    cli, two_shops, tmp_path, db_path
):
    rows = [
        ["订货日期", "客户编码", "卷烟名称", "订货量(件)", "订货量(条)", "金额(元)"],
        [D(2026, 11, 2), "000100000001", "中华(硬)", 1, 50, 2250],
        [D(2026, 11, 2), "000100000002", "云烟(紫)", 2, 30, 570],  # 2件 is 100条: disagrees
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "o.xlsx", rows)))
    assert result["kind"] == "orders" and result["counts"]["new"] == 2
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert fields["订货量(条)"] == "qty"
    assert _lines(db_path, "SELECT qty FROM orders ORDER BY customer_id") == [(50.0,), (30.0,)]
    assert any("100" in w["reason"] and "30" in w["reason"] for w in result["warnings"])


def test_a_quantity_in_cases_alone_is_converted_to_cartons(cli, two_shops, tmp_path, db_path):
    rows = [
        ["日期", "客户编码", "品牌规格", "数量（件）", "金额（万元）"],
        [D(2026, 11, 2), "000100000001", "中华(硬)", 2, 0.45],
        [D(2026, 11, 3), "000100000002", "云烟(紫)", "3件", 0.1],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "o.xlsx", rows)))
    got = _lines(db_path, "SELECT qty, amount FROM orders ORDER BY customer_id")
    assert got == [(100.0, 4500.0), (150.0, 1000.0)]


def test_the_ordered_quantity_is_bought_and_the_requested_one_is_kept_beside_it(
    cli, two_shops, tmp_path, db_path
):
    rows = [
        ["客户编码", "订单日期", "商品名称", "要货量", "成交量", "成交金额"],
        ["000100000001", D(2026, 11, 2), "中华(硬)", 10, 4, 180],
        ["000100000002", D(2026, 11, 2), "云烟(紫)", 8, 8, 152],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "o.xlsx", rows)))
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert fields["要货量"] == "requested" and fields["成交量"] == "qty"
    assert _lines(db_path, "SELECT qty, requested FROM orders ORDER BY customer_id") == [
        (4.0, 10.0),
        (8.0, 8.0),
    ]


def test_only_a_delivered_quantity_is_what_the_shop_bought(cli, two_shops, tmp_path, db_path):
    rows = [
        ["客户编码", "配送日期", "卷烟", "申报量", "实发量"],
        ["000100000001", D(2026, 11, 2), "中华(硬)", 10, 6],
    ]
    cli.ok("import", str(write_xlsx(tmp_path / "d.xlsx", rows)))
    assert _lines(db_path, "SELECT qty, requested FROM orders") == [(6.0, 10.0)]


# --- price levels, identities, classes ---------------------------------------------------


def test_of_a_price_list_s_levels_only_the_retailer_s_buying_price_is_the_wholesale_price(
    cli, tmp_path
):
    rows = [
        ["卷烟规格", "调拨价(元/条)", "批发指导价", "建议零售价(元/条)", "出厂价"],
        ["中华(硬)", 393.0, 450.0, 500.0, 300.0],
        ["云烟(紫)", 80.0, 95.0, 110.0, 60.0],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "价格表.xlsx", rows)))
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert result["kind"] == "brands"
    assert fields["批发指导价"] == "wholesale_price"
    assert fields["调拨价(元/条)"] == "allocation_price"
    assert fields["建议零售价(元/条)"] == "retail_price"
    assert fields["出厂价"] != "wholesale_price"
    brands = {b["name"]: b for b in cli.json("brand", "list")}
    assert brands["中华(硬)"]["wholesale_price"] == 450.0


def test_a_class_name_is_never_the_shop_s_name_nor_a_business_licence_its_tobacco_licence(
    cli, tmp_path
):
    head = ["客户编码", "客户分类名称", "客户名称", "营业执照号", "烟草专卖许可证号", "联系电话"]
    rows = [
        head,
        ["000100000001", "优质客户", "张三烟酒店", "91530102MA6K0AB12X", "530102100001",
         "13800138000"],
        ["000100000002", "优质客户", "李四便利店", "92530102MA6K0CD34Y", "530102100002",
         "13912345678"],
        ["000100000003", "普通客户", "王五超市", "92530102MA6K0EF56Z", "530102100003",
         "13700001111"],
    ]  # fmt: skip
    result = cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)))
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert fields["客户名称"] == "name" and fields["客户分类名称"] != "name"
    assert fields["烟草专卖许可证号"] == "license_no" and fields["营业执照号"] != "license_no"
    card = cli.json("show", "000100000001")["card"]
    assert card["name"] == "张三烟酒店" and card["license_no"] == "530102100001"


def test_a_class_column_alone_does_not_name_a_roster_s_cards(cli, tmp_path):
    rows = [
        ["客户编码", "客户类型名称", "经营者", "联系电话"],
        ["000100000001", "便利店", "张三", "13800138000"],
        ["000100000002", "便利店", "李四", "13912345678"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "r.xlsx", rows)), "--kind", "customers")
    assert "name" not in {m["field"] for m in result["mapping"]}


# --- merged data cells, in the four formats a system saves ------------------------------

ORDER = [
    ["订单编号", "订货日期", "客户编码", "卷烟名称", "订货量(条)"],
    ["A001", D(2026, 11, 2), "000100000001", "中华(硬)", 5],
    [None, None, None, "云烟(紫)", 3],
    [None, None, None, "玉溪(软)", 2],
    ["A002", D(2026, 11, 3), "000100000002", "中华(硬)", 1],
    [None, None, None, "红塔山(经典)", 4],
]
MERGED = [(1, 3), (4, 5)]  # data rows (0-based) the order's first three columns cover


def _merged_xlsx(path: Path) -> Path:
    import openpyxl

    write_xlsx(path, ORDER)
    book = openpyxl.load_workbook(path)
    for first, last in MERGED:
        for column in "ABC":
            book.active.merge_cells(f"{column}{first + 1}:{column}{last + 1}")
    book.save(path)
    return path


def _merged_xls(path: Path) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    starts = {first: last for first, last in MERGED}
    for r, row in enumerate(ORDER):
        for c, value in enumerate(row):
            style = date_style if isinstance(value, dt.datetime) else xlwt.Style.default_style
            if r in starts and c < 3:
                ws.write_merge(r, starts[r], c, c, value, style)
            elif value is not None and not (c < 3 and r > 0):
                ws.write(r, c, value, style)
    book.save(str(path))
    return path


def _merged_html(path: Path) -> Path:
    starts = {first: last - first + 1 for first, last in MERGED}
    body = []
    for r, row in enumerate(ORDER):
        cells = []
        for c, value in enumerate(row):
            if c < 3 and r > 0 and r not in starts:
                continue  # covered by the rowspan above: the row starts past it
            text = value.strftime("%Y-%m-%d") if isinstance(value, dt.datetime) else value
            span = f' rowspan="{starts[r]}"' if r in starts and c < 3 else ""
            cells.append(f"<td{span}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    page = f"<html><meta charset='gbk'><table>{''.join(body)}</table></html>"
    path.write_bytes(page.encode("gbk"))
    return path


def _merged_spreadsheetml(path: Path) -> Path:
    text = spreadsheetml("订单", ORDER)
    for first, last in MERGED:  # the first three cells of an order's row merge down
        marker = f'<Data ss:Type="String">{ORDER[first][0]}</Data>'
        head, _sep, tail = text.partition(f"<Cell>{marker}")
        down = f' ss:MergeDown="{last - first}"'
        tail = tail.replace("<Cell>", f"<Cell{down}>", 2)
        text = f"{head}<Cell{down}>{marker}{tail}"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "make",
    [_merged_xlsx, _merged_xls, _merged_html, _merged_spreadsheetml],
    ids=["xlsx", "xls", "html", "spreadsheetml"],
)
def test_an_order_s_cells_merged_down_over_its_lines_are_given_to_every_line(
    cli, two_shops, tmp_path, db_path, make
):
    path = make(tmp_path / ("订单.xls" if make is not _merged_xlsx else "订单.xlsx"))
    result = cli.json("import", str(path))
    assert result["kind"] == "orders" and result["counts"]["rejected"] == 0, result["rejects"]
    got = _lines(
        db_path,
        "SELECT c.code, o.date, o.brand, o.qty FROM orders o JOIN customers c"
        " ON c.id = o.customer_id ORDER BY o.date, o.qty",
    )
    assert got == [
        ("000100000001", "2026-11-02", "玉溪(软)", 2.0),
        ("000100000001", "2026-11-02", "云烟(紫)", 3.0),
        ("000100000001", "2026-11-02", "中华(硬)", 5.0),
        ("000100000002", "2026-11-03", "中华(硬)", 1.0),
        ("000100000002", "2026-11-03", "红塔山(经典)", 4.0),
    ]


def test_the_html_reader_places_cells_past_a_rowspan(tmp_path):
    from custcli.io.markup import html_tables

    [(rows, merges)] = html_tables(
        "<table><tr><td rowspan=2>a</td><td>b</td><td rowspan=3>c</td></tr>"
        "<tr><td>d</td></tr><tr><td>e</td><td>f</td></tr></table>"
    )
    assert rows == [["a", "b", "c"], [None, "d", None], ["e", "f", None]]
    assert merges == [(0, 0, 1, 0), (0, 2, 2, 2)]


# --- complaints and hotline logs ----------------------------------------------------------


def test_a_hotline_log_imports_as_complaints_and_the_caller_s_details_stay_the_caller_s(
    cli, two_shops, tmp_path
):
    before = cli.json("show", "000100000001")["card"]
    rows = [
        ["工单编号", "受理时间", "来电号码", "来电人地址", "被反映客户", "许可证号",
         "诉求类型", "反映内容", "办结情况", "办结时间"],
        ["GD2026110001", D(2026, 11, 3, 9, 12), "13999990000", "幸福小区5栋",
         "张三烟酒店", None, "投诉", "店内售卖假烟", "已核实处理", D(2026, 11, 5)],
        ["GD2026110002", D(2026, 11, 4, 15, 40), "0871-6543210", "人民路8号",
         None, "530102100002", "咨询", "办证需要什么材料", None, None],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "12313热线工单.xlsx", rows)
    result = cli.json("import", str(path))
    assert result["kind"] == "complaints" and result["counts"]["new"] == 2, result
    fields = {m["column"]: m["field"] for m in result["mapping"]}
    assert fields["来电号码"] != "phone" and fields["来电人地址"] != "address"
    assert cli.json("show", "000100000001")["card"] == before  # the caller is not the shop
    again = cli.json("import", str(path))
    assert again["counts"]["new"] == 0  # the same tickets a second time add nothing
    complaints = {c["code"]: c for c in cli.json("complaint", "list")}
    assert (
        complaints["000100000001"]["kind"] == "投诉" or "假烟" in complaints["000100000001"]["text"]
    )
    assert complaints["000100000001"]["resolved_on"] == "2026-11-05"
    assert "办证" in complaints["000100000002"]["text"]


# --- files that are none of the kinds -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows", "said"),
    [
        (
            "案件.xlsx",
            [
                ["案件编号", "查获日期", "当事人", "涉案卷烟", "涉案数量(条)", "客户编码"],
                ["AJ001", D(2026, 11, 2), "王某", "中华(硬)", 30, "000100000001"],
            ],
            "cases and seizures",
        ),
        (
            "人员.xlsx",
            [
                ["工号", "姓名", "岗位", "所属部门", "手机号码", "入职日期"],
                ["1001", "李经理", "客户经理", "市场部", "13800001111", D(2020, 3, 1)],
            ],
            "staff list",
        ),
        (
            "线路.xlsx",
            [
                ["线路编码", "线路名称", "送货员", "车牌号", "客户数"],
                ["XL01", "东线", "赵六", "云A12345", 120],
            ],
            "delivery routes",
        ),
    ],
    ids=["seizures", "staff", "routes"],
)
def test_a_file_that_is_none_of_the_kinds_is_refused_with_what_it_is(
    cli, two_shops, tmp_path, name, rows, said
):
    before = cli.json("list")
    message = cli.fails(2, "--lang", "en", "import", str(write_xlsx(tmp_path / name, rows)))
    assert said in message and "nothing was imported" in message
    assert cli.json("list") == before


def test_a_refusal_names_what_is_missing_and_the_nearest_columns(cli, tmp_path):
    rows = [["日期", "卷烟", "数量(条)"], [D(2026, 11, 2), "中华(硬)", 5]]
    message = cli.fails(
        2, "--lang", "en", "import", str(write_xlsx(tmp_path / "o.xlsx", rows)), "--kind", "orders"
    )
    assert "has no" in message and "Customer code" in message
    assert "date" not in message.split("has no", 1)[1].split(";")[0].lower()


# --- visit logs ---------------------------------------------------------------------------


def test_a_visit_log_keyed_by_name_and_check_in_time_is_visits_without_a_person_column(
    cli, two_shops, tmp_path
):
    rows = [
        ["签到时间", "终端名称", "签退时间", "走访情况"],
        [D(2026, 11, 2, 9, 5), "张三烟酒店", D(2026, 11, 2, 9, 30), "陈列整齐，建议增加云烟"],
        [D(2026, 11, 3, 14, 0), "李四便利店", D(2026, 11, 3, 14, 20), "店主不在"],
    ]
    result = cli.json("import", str(write_xlsx(tmp_path / "走访.xlsx", rows)))
    assert result["kind"] == "visits" and result["counts"]["new"] == 2, result
    [visit] = cli.json("visit", "list", "000100000001")
    assert visit["date"] == "2026-11-02" and "陈列整齐" in visit["note"]


# --- asking, and remembering what was confirmed ------------------------------------------

ODD = [
    ["编号", "门店", "联络", "所在位置"],
    ["000100000001", "张三烟酒店", "13800138000", "五华区北京路1号"],
    ["000100000002", "李四便利店", "13912345678", "盘龙区人民路8号"],
    ["000100000003", "王五超市", "13700001111", "官渡区春城路3号"],
]


def test_off_a_terminal_a_guess_stops_with_the_exact_options_that_would_say_it(cli, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ODD)
    plan = cli.json("import", str(path), "--dry-run")
    weak = [m for m in plan["mapping"] if m["field"] and m["confidence"] < 0.6]
    message = cli.fails(2, "--lang", "en", "import", str(path))
    assert "is a guess" in message and "nothing" not in cli.json("list")
    for m in weak:
        assert f'--map "{m["column"]}={m["field"]}"' in message
    assert cli.json("list") == []
    cli.ok("import", str(path), "--yes")  # the guess taken as proposed
    assert len(cli.json("list")) == 3


def test_a_layout_given_once_is_remembered_the_next_week_and_can_be_forgotten(cli, tmp_path):
    week1 = write_xlsx(tmp_path / "第1周.xlsx", ODD)
    maps = ["--map", "编号=code", "--map", "门店=name", "--map", "联络=phone"]
    maps += ["--map", "所在位置=address"]
    first = cli.json("import", str(week1), *maps)
    first_day = cli.json("import", "mappings")[0]["confirmed_at"]  # the pinned today
    assert first["remembered"] is None and first["counts"]["new"] == 3
    # the next week: the same columns in another order, other shops; nothing is asked
    week2 = [[r[1], r[0], r[3], r[2]] for r in ODD]
    week2[1][1], week2[2][1], week2[3][1] = "000100000004", "000100000005", "000100000006"
    second = cli.json("import", str(write_xlsx(tmp_path / "第2周.xlsx", week2)))
    assert second["remembered"] == first_day
    assert second["counts"]["new"] == 3 and second["kind"] == "customers"
    week3 = write_xlsx(tmp_path / "第3周.xlsx", week2)
    said = cli.ok("--lang", "zh", "import", str(week3), "--dry-run").stdout
    assert "已记住的映射（" in said and "确认）" in said
    [layout] = cli.json("import", "mappings")
    assert layout["kind"] == "customers" and layout["used"] == 1
    assert layout["mapping"]["联络"] == "phone"
    listed = cli.ok("--lang", "zh", "import", "mappings").stdout
    assert "客户名册" in listed and "联络" in listed and "1 次" in listed
    cli.ok("import", "mappings", "--forget", str(layout["id"]))
    assert cli.json("import", "mappings") == []
    assert "no remembered layout" in cli.fails(
        1, "--lang", "en", "import", "mappings", "--forget", "99"
    )


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_at_a_terminal_the_proposal_is_shown_and_enter_takes_it(cli, tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", ODD)
    # what the screen asks, and what a person types: a line changed, then Enter takes it
    script = [("回车", b"4\r"), ("所在位置 的字段", b"address\r"), ("回车", b"\r")]
    code, text = at_terminal(cust(cli.db, "import", str(path)), script=script)
    assert code == 0, text
    assert "Traceback" not in text
    assert "0  类型" in text and "联络" in text and "13800138000" in text
    assert len(cli.json("list")) == 3
    assert cli.json("list")[0]["address"] == "五华区北京路1号"
    assert len(cli.json("import", "mappings")) == 1  # what was confirmed is remembered


# --- the values alone ---------------------------------------------------------------------

SYNONYMS = {
    "code": ["客户编码", "客户代码", "零售户编号", "户号", "终端编码", "客户号", ""],
    "name": ["客户名称", "店名", "门店名称", "零售户名称", "商号", "终端", ""],
    "owner": ["经营者", "负责人", "店主姓名", "老板", "户主", ""],
    "phone": ["联系电话", "手机", "电话号码", "联系方式", "手机号码", "联络", ""],
    "address": ["经营地址", "地址", "门店地址", "所在位置", "详细地址", ""],
    "license_no": ["许可证号", "专卖许可证", "证号", "许可证编号", ""],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
SHOPS = ("烟酒店", "便利店", "超市", "副食店", "商行", "食杂店")
STREETS = ("人民路", "北京路", "春城路", "环城南路", "金碧路", "青年路")


def _roster(rng: random.Random, n: int = 12) -> list[dict]:
    rows = []
    for _ in range(n):
        rows.append(
            {
                "code": f"0{rng.randrange(10**10, 10**11)}",
                "name": f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}{rng.choice(SHOPS)}",
                "owner": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**8, 10**9)}",
                "address": f"五华区{rng.choice(STREETS)}{rng.randrange(1, 400)}号",
                "license_no": f"5301{rng.randrange(10**7, 10**8)}",
            }
        )
    return rows


def _right_share(seed: int) -> tuple[int, int]:
    from custcli import kinds
    from custcli.domain.importing.mapping import map_headers

    rng = random.Random(seed)
    keys = list(SYNONYMS)
    rng.shuffle(keys)
    headers = [rng.choice(SYNONYMS[k]) for k in keys]
    rows = [[row[k] for k in keys] for row in _roster(rng)]
    mapping = map_headers(headers, kinds.CUSTOMERS, {}, rows)
    right = sum(1 for col, key in enumerate(keys) if mapping.columns.get(col) == key)
    return right, len(keys)


def test_shuffled_renamed_or_unnamed_roster_columns_are_told_by_their_values():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    totals = [0, 0]

    @settings(max_examples=150, deadline=None, derandomize=True)
    @given(st.integers(0, 10**9))
    def each(seed):
        right, of = _right_share(seed)
        totals[0] += right
        totals[1] += of
        assert right >= of - 1, seed  # never more than one column wrong in a roster

    each()
    assert totals[0] / totals[1] >= 0.9, totals


def test_an_order_date_beside_a_delivery_date_is_the_line_s_date():
    from custcli import kinds
    from custcli.domain.importing.mapping import map_headers

    headers = ["配送日期", "客户编码", "卷烟", "订货日期", "订货量"]
    rows = [[D(2026, 11, 3), "000100000001", "中华(硬)", D(2026, 11, 2), 5]]
    mapping = map_headers(headers, kinds.ORDERS, {}, rows)
    assert mapping.columns[3] == "date" and 0 not in mapping.columns


def test_a_sheet_wider_than_any_export_is_answered_at_once(cli, tmp_path):
    """10,000 columns: refused in one line before any column is weighed (it took a minute)."""
    path = tmp_path / "wide.csv"
    header = ",".join(f"列{i}" for i in range(10_000))
    path.write_text(header + "\n" + ",".join("1" for _ in range(10_000)) + "\n", "utf-8")
    message = cli.fails(2, "--lang", "en", "import", str(path))
    assert "10000 filled columns" in message and "right file" in message
