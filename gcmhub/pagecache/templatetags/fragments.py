"""`{% memo %}` and `{% fragment %}`: parts of a template kept between requests
(see gcmhub/pagecache/fragments.py for what may go in them).

    {% load fragments %}
    {% memo is_secretariat %}<nav>… {% url 'home' %} … {% translate "Home" %} …</nav>{% endmemo %}

    {% fragment "workplan:activities" plan.pk query using content scopes="workplan taxonomy" %}
        … what every visitor sees, from the values `content()` returns …
    {% endfragment %}

`memo` keeps its output in the process per language and the values after the tag. `fragment`
keeps it in the page cache's storage per name, values, language and generations of the scopes
(all content scopes when `scopes` is left out); `query`: the part also depends on the request's
query string (bounded: see `fragments.query_variant`); `using content`: `content` is a function
in the context (the view's), called only when the part must be rendered, whose dict of values
the part is rendered with — so a kept part also saves the queries that compute them. A name
that is empty (a variable the view sets to "") renders the part without keeping it: for visitors
who see something of their own there.
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
    def __init__(self, nodelist, name, vary, scopes, query, using):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary
        self.scopes = scopes
        self.query = query
        self.using = using

    def render(self, context):
        name = self.name.resolve(context)
        if not name:  # the view says this visitor's part is their own: rendered, not kept
            return self.render_part(context)
        vary = tuple(value.resolve(context) for value in self.vary)
        request = context.get("request")
        query = fragments.query_variant(request) if self.query else ""
        return fragments.cached(str(name), vary, self.scopes, lambda: self.render_part(context), query, request)

    def render_part(self, context) -> str:
        if self.using is None:
            return self.nodelist.render(context)
        content = context.get(self.using)  # not resolved as a variable: that would call it now
        values = content() if callable(content) else content
        with context.push(values or {}):
            return self.nodelist.render(context)


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
    using = None
    if len(bits) >= 2 and bits[-2] == "using":
        using = bits.pop()
        bits.pop()
    query = False
    if len(bits) >= 2 and bits[-1] == "query":
        query = True
        bits.pop()
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name, vary = parser.compile_filter(bits[0]), [parser.compile_filter(bit) for bit in bits[1:]]
    return FragmentNode(nodelist, name, vary, scopes, query, using)
