"""Django's own messages that its Chinese catalogue gets wrong, translated again in ours.

The project's catalogue (LOCALE_PATHS) is read before Django's, so the msgstr given for these
msgids in src/techtransfer/locale wins. Listed here so that `make messages` keeps them.
"""

from django.utils.translation import gettext_noop

OVERRIDDEN = (
    # Django's zh_Hans reads "不允许是用空字符串。" ("an empty string is not allowed") for input
    # that holds a NUL character.
    gettext_noop("Null characters are not allowed."),
)
