"""One language mechanism for everything a person reads: gettext catalogues.

The English text is the message id; `custcli/locale/zh/LC_MESSAGES/cust.po` holds the
Chinese (Babel extracts the ids and compiles the .mo; `python tools/messages.py` does both,
and a test fails when a message has no Chinese or the .mo is older than its .po).

Chinese is the default. English when asked for: --lang en, CUST_LANG=en, or an English
(en_*) locale. The choice is made once, at the edge (`use`), and reaches every output:
`_()` here, the field registry's labels, and the words Click and Typer print themselves
(Usage, Options, their errors), which are routed through the same catalogue.
"""

from __future__ import annotations

import gettext
import os
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "cust"
LANGS = ("zh", "en")

_current = "en"  # until `use` is called: the message ids themselves
_catalogue: gettext.NullTranslations = gettext.NullTranslations()
_loaded: dict[str, gettext.NullTranslations] = {}
# Modules of Click and Typer whose own words (Usage:, Options, "No such option") go through a
# module-level `_`: pointed at this catalogue, they speak the chosen language too.
_LIBRARY_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "typer.core",
    "typer.main",
    "typer.rich_utils",
)
# Typer's rich help builds these constants when it is first imported: kept as their English
# ids, and re-translated whenever the language changes.
_TYPER_CONSTANTS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "DEPRECATED_STRING": "(deprecated) ",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def choose(option: str | None = None) -> str:
    """--lang, else $CUST_LANG, else English for an en_* locale, else Chinese."""
    if option:
        return "en" if option.lower().startswith("en") else "zh"
    if os.environ.get("CUST_LANG"):
        return "en" if os.environ["CUST_LANG"].lower().startswith("en") else "zh"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def _catalogue_of(lang: str) -> gettext.NullTranslations:
    if lang not in _loaded:
        _loaded[lang] = (
            gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)
            if lang != "en"
            else gettext.NullTranslations()
        )
    return _loaded[lang]


def said_in(lang: str, message: str) -> str:
    """A message in a given language, whatever language is in use: a field's label as a
    Chinese file heads its column, for an export in English too."""
    return _catalogue_of(lang if lang in LANGS else "zh").gettext(message) if message else message


def use(lang: str) -> None:
    """Speak `lang` from now on: this program, its registry, Click and Typer."""
    global _current, _catalogue
    _current = lang if lang in LANGS else "zh"
    _catalogue = _catalogue_of(_current)
    # Modules imported from now on bind these when they do `from gettext import gettext`.
    gettext.gettext, gettext.ngettext = _, ngettext
    for name in _LIBRARY_MODULES:
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "_"):
            module._ = _
    _usage_prefix()
    rich_utils = sys.modules.get("typer.rich_utils")
    if rich_utils is not None:
        for constant, english in _TYPER_CONSTANTS.items():
            setattr(rich_utils, constant, _(english))


def _usage_prefix() -> None:
    """Typer's own Click writes a literal "Usage: " before every usage line and a literal
    help for --help: say them."""
    core = sys.modules.get("typer._click.core")
    if core is not None and not getattr(core.Command.get_help_option, "said", False):
        original_option = core.Command.get_help_option

        def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
            option = original_option(self, ctx)
            if option is not None:
                option.help = _("Show this message and exit.")
            return option

        get_help_option.said = True
        core.Command.get_help_option = get_help_option
    formatting = sys.modules.get("typer._click.formatting")
    if formatting is None or getattr(formatting.HelpFormatter.write_usage, "said", False):
        return
    original = formatting.HelpFormatter.write_usage

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        original(self, prog, args, f"{_('Usage:')} " if prefix is None else prefix)

    write_usage.said = True
    formatting.HelpFormatter.write_usage = write_usage


def lang() -> str:
    """The language chosen: "zh" or "en"."""
    return _current


def _(message: str) -> str:
    """The message in the chosen language (the English id when it has no translation)."""
    return _catalogue.gettext(message) if message else message


def tr(template: str, **params: object) -> str:
    """A message with values: the template is the message id, the values fill it after."""
    return _(template).format(**params)


def pgettext(context: str, message: str) -> str:
    """A message whose words depend on where it stands (a comma in a sentence: ，; in a
    list: 、)."""
    return _catalogue.pgettext(context, message)


def _noop(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `_()` says it where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue.ngettext(singular, plural, n)


def pick(zh: str, en: str) -> str:
    """For words that are data of the registry itself (a field's label): the one in use."""
    return zh if _current == "zh" else en
