from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


activity_detail = post_status_update = post_note = my_deadlines = _todo
