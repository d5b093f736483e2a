"""`{% memo %}` and `{% fragment %}`: parts of a template kept between requests
(see gcmhub/pagecache/fragments.py for what may go in them).

    {% load fragments %}
    {% memo is_secretariat %}<nav>… {% url 'home' %} … {% translate "Home" %} …</nav>{% endmemo %}

    {% fragment "activity-details" activity.pk scopes="workplan knowledge" %}
        … what every visitor sees of the activity, from lazy values the view passed …
    {% endfragment %}

`memo` keeps its output in the process per language and values after the tag; `fragment` keeps
it in the page cache's storage per name, values, language and generations of the scopes (all
content scopes when `scopes` is left out). Inside either, lazy values (querysets, functions) are
only evaluated when the part is rendered, so a kept part also saves its queries.
"""

from django import template

from gcmhub.pagecache import fragments

register = template.Library()


class MemoNode(template.Node):
    def __init__(self, nodelist, vary):
        self.nodelist = nodelist
        self.vary = vary
        self.store = fragments.new_memo_store()

    def render(self, context):
        vary = tuple(value.resolve(context) for value in self.vary)
        return fragments.memo(self.store, vary, lambda: self.nodelist.render(context))


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary, scopes):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.scopes = scopes

    def render(self, context):
        name = self.name.resolve(context)
        vary = tuple(value.resolve(context) for value in self.vary)
        return fragments.cached(str(name), vary, self.scopes, lambda: self.nodelist.render(context))


@register.tag("memo")
def do_memo(parser, token):
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, [parser.compile_filter(bit) for bit in bits])


@register.tag("fragment")
def do_fragment(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    scopes = None
    if bits[-1].startswith("scopes="):
        literal = bits.pop()[len("scopes=") :]
        if len(literal) < 2 or literal[0] != literal[-1] or literal[0] not in "\"'":
            raise template.TemplateSyntaxError('{% fragment %}: scopes="app app…" is a quoted string')
        scopes = tuple(literal[1:-1].split())
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[0]), [parser.compile_filter(b) for b in bits[1:]], scopes)
