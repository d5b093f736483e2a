from gcmhub.accounts import permissions


def roles(request):
    """Expose the current user's role flags to every template, computed once per request."""
    user = getattr(request, "user", None)
    return {
        "is_secretariat": bool(user and permissions.is_secretariat(user)),
        "is_reviewer": bool(user and permissions.is_reviewer(user)),
    }
