from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


objective_list = objective_detail = principle_list = principle_detail = _todo
thematic_area_list = thematic_area_detail = country_list = country_detail = _todo
organisation_list = organisation_detail = _todo
