"""cust with one more card field, as a developer adds one: an entry in the registry and a step
in the schema, nothing else. Run as `python -m tests.helpers.new_field ARGS…` (the arguments
cust's own); tests/test_a_new_field.py drives it."""

from __future__ import annotations

import sys

from custcli import kinds
from custcli.db import schema
from custcli.i18n import _noop
from custcli.kinds.fields import BUSINESS, TEXT, Field, Rule

# The entry: 微信号, the shopkeeper's WeChat a roster names, on the card's business section
# and in the monthly report's customer sheet; --redact masks what looks like a phone in it.
WECHAT = Field(
    "wechat",
    _noop("WeChat"),
    TEXT,
    ("微信号", "店主微信"),
    rule=Rule(("微信",), ("店主", "客户")),
    section=BUSINESS,
    in_report=True,
)
# The step.
STEP = schema.Step("wechat", ("ALTER TABLE customers ADD COLUMN wechat TEXT",))

kinds.CUSTOMERS.extend(WECHAT)
schema.STEPS = (*schema.STEPS, STEP)
schema.VERSION = len(schema.STEPS)

if __name__ == "__main__":
    from custcli.cli import app

    sys.argv = ["cust", *sys.argv[1:]]
    app()
