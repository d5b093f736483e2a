"""Template tags for the site header (base.html) until the roles context processor exposes them."""

from django import template

from gcmhub.accounts import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def user_is_reviewer(context) -> bool:
    """Whether the signed-in user has the reviewer role (roles are loaded once per request user)."""
    request = context.get("request")
    return bool(request and permissions.is_reviewer(request.user))
