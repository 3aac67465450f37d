"""Django's own messages that its Chinese catalogue gets wrong, translated again in ours.

The project's catalogue (LOCALE_PATHS) is read before Django's, so the msgstr given for these
msgids in src/techtransfer/locale wins. Listed here so that `make messages` keeps them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Django's zh_Hans reads "确保该变量至少包含 12 字符(目前字符数 5)。" ("this variable", half-width
# brackets) under a CharField with min_length / max_length: said again in plain words. The msgids
# are those of django.core.validators.MinLengthValidator / MaxLengthValidator, word for word.
MIN_LENGTH = ngettext_lazy(
    "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)
MAX_LENGTH = ngettext_lazy(
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
    "limit_value",
)

OVERRIDDEN = (
    # Django's zh_Hans reads "不允许是用空字符串。" ("an empty string is not allowed") for input
    # that holds a NUL character.
    gettext_noop("Null characters are not allowed."),
    # Django's zh_Hans ends these with an ASCII full stop ("确认小数不超过 2 位."), beside our "。".
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    gettext_noop("CSRF verification failed. Request aborted."),
    MIN_LENGTH,
    MAX_LENGTH,
)
