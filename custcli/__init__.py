"""cust: a command-line customer file for field account managers (客户经理)."""

__version__ = "0.1.0"
