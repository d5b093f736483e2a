from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


signup = verify_email = login = logout = password_reset = password_reset_done = _todo
password_reset_confirm = password_reset_complete = profile = api_tokens = role_list = user_roles = _todo
