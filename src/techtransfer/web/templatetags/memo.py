"""`{% memo [var …] %}…{% endmemo %}`: a part of a template rendered once per process for each
language (and value of the given variables, e.g. `user.is_authenticated`), then reused.

For the page shell's links, menus and footer: a `{% url %}` costs 50–90 µs, a `{% static %}` or a
`{% translate %}` some 15 µs, and every page renders them. What may go inside depends only on the
active language, the variables named and what stays fixed while the process runs: URLs (the script
prefix is part of the key), static files' addresses, translations, settings. Never anything of the
request or the user (CSRF token, path, name, messages): the variables must take few values, such as
a sign-in state, as each value keeps a copy. A deploy restarts the processes, so nothing is stale.
"""

from __future__ import annotations

from collections.abc import Hashable

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


class MemoNode(template.Node):
    # Not walked by `get_nodes_by_type` (which `{% extends %}` runs over the whole base template on
    # every page, looking for blocks): a memo holds no block (`memo` refuses one).
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, variables: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.variables = variables
        # One copy per key; two threads missing at once both render it, and store the same text.
        self.rendered: dict[tuple[Hashable, ...], SafeString] = {}

    def render(self, context: Context) -> SafeString:
        key = (get_language(), get_script_prefix(), *(v.resolve(context) for v in self.variables))
        html = self.rendered.get(key)
        if html is None:
            # Its own context layer: a variable set inside ({% … as x %}) is not seen after it, on
            # the first rendering as on the reused ones.
            with context.push():
                html = self.rendered[key] = self.nodelist.render(context)
        return html


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    variables = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode) or nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError("{% memo %} cannot hold a {% block %} or a {% csrf_token %}")
    return MemoNode(nodelist, variables)
