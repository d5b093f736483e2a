from django.urls import path

from gcmhub.translations import views

app_name = "translations"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<str:lang>/export/", views.export_view, name="export"),
    path("<str:lang>/import/", views.import_view, name="import"),
    path("<str:lang>/<str:kind>/", views.segment_list, name="segments"),
    path("<str:lang>/<str:kind>/<id:pk>/<str:field>/", views.save_segment, name="save"),
]
