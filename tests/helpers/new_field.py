"""cust with one more card field, as a developer adds one: an entry in the registry and a step
in the schema, nothing else. Run as `python -m tests.helpers.new_field ARGS…` (the arguments
cust's own); tests/test_a_new_field.py drives it."""

from __future__ import annotations

import sys

from custcli import kinds
from custcli.db import schema
from custcli.i18n import _noop
from custcli.kinds.fields import BUSINESS, TEXT, Field, Rule

# The entry: 配送线路, the delivery route a roster names, on the card's business section and
# in the monthly report's customer sheet; --redact masks what looks like a phone in it.
ROUTE = Field(
    "delivery_route",
    _noop("Delivery route"),
    TEXT,
    ("配送线路", "送货线路"),
    rule=Rule(("线路",), ("配送", "送货")),
    section=BUSINESS,
    in_report=True,
)
# The step.
STEP = schema.Step("delivery_route", ("ALTER TABLE customers ADD COLUMN delivery_route TEXT",))

kinds.CUSTOMERS.extend(ROUTE)
schema.STEPS = (*schema.STEPS, STEP)
schema.VERSION = len(schema.STEPS)

if __name__ == "__main__":
    from custcli.cli import app

    sys.argv = ["cust", *sys.argv[1:]]
    app()
