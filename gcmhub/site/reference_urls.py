from django.urls import path

from gcmhub.site import views_reference as views

# The reference pages keep the `taxonomy:` URL names: a name says which entry a page shows
# (Objective.get_absolute_url, links from every app), not which app serves it.
app_name = "taxonomy"

urlpatterns = [
    path("objectives/", views.objective_list, name="objectives"),
    path("objectives/<id:number>/", views.objective_detail, name="objective"),
    path("principles/", views.principle_list, name="principles"),
    path("principles/<str:code>/", views.principle_detail, name="principle"),
    path("thematic-areas/", views.thematic_area_list, name="thematic_areas"),
    path("thematic-areas/<id:number>/", views.thematic_area_detail, name="thematic_area"),
    path("countries/", views.country_list, name="countries"),
    path("countries/<str:iso3>/", views.country_detail, name="country"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
