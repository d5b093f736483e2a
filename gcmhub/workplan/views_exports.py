from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


activities_csv = activities_xlsx = progress_report_pdf = deadlines_ics = _todo
