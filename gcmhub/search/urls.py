from django.urls import path

from gcmhub.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("suggest/", views.suggestions, name="suggest"),
    path("export.<str:fmt>", views.export, name="export"),
]
