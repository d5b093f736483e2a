from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


index = calendar_current = dashboard_current = overview = activity_list = calendar = dashboard = priority_detail = _todo
