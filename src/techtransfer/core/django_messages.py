"""Django's own messages that its Chinese catalogue gets wrong, translated again in ours.

The project's catalogue (LOCALE_PATHS) is read before Django's, so the msgstr given for these
msgids in src/techtransfer/locale wins. Listed here so that `make messages` keeps them.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

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
)
