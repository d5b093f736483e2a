from django.urls import path

from gcmhub.knowledge import views_charts, views_import, views_practices, views_resources, views_review

app_name = "knowledge"

urlpatterns = [
    # The Hub's front page and resources (views_resources)
    path("", views_resources.hub_home, name="home"),
    path("resources/propose/", views_resources.resource_propose, name="resource_propose"),
    path("resources/proposals/", views_resources.resource_proposals, name="resource_proposals"),
    path("resources/<slug:slug>/", views_resources.resource_detail, name="resource"),
    path("resources/<slug:slug>/decide/", views_resources.resource_decide, name="resource_decide"),
    path("resources/<slug:slug>/feedback/", views_resources.resource_feedback, name="resource_feedback"),
    path("feedback/", views_resources.feedback_results, name="feedback_results"),
    path("feedback/export.<str:fmt>", views_resources.feedback_export, name="feedback_export"),
    path("feedback/<slug:slug>/", views_resources.feedback_tool, name="feedback_tool"),
    # Practices, submissions and calls (views_practices)
    path("practices/new/", views_practices.practice_new, name="practice_new"),
    path("practices/<slug:slug>/", views_practices.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", views_practices.practice_edit, name="practice_edit"),
    path("practices/<slug:slug>/update/", views_practices.practice_update, name="practice_update"),
    path("practices/<slug:slug>/withdraw/", views_practices.practice_withdraw, name="practice_withdraw"),
    path(
        "practices/<slug:slug>/attachments/<id:pk>/delete/",
        views_practices.attachment_delete,
        name="attachment_delete",
    ),
    path("my/submissions/", views_practices.my_submissions, name="my_submissions"),
    path("calls/", views_practices.call_list, name="call_list"),
    path("calls/<slug:slug>/", views_practices.call_detail, name="call"),
    # Peer review (views_review)
    path("review/", views_review.review_queue, name="review_queue"),
    path("review/practices/<slug:slug>/", views_review.review_practice, name="review_practice"),
    path("review/practices/<slug:slug>/screen/", views_review.screen, name="screen"),
    path("review/practices/<slug:slug>/assign/", views_review.assign, name="assign"),
    path(
        "review/practices/<slug:slug>/assignments/<id:pk>/withdraw/",
        views_review.withdraw_assignment,
        name="withdraw_assignment",
    ),
    path("review/practices/<slug:slug>/decide/", views_review.decide, name="decide"),
    path("my/reviews/", views_review.my_reviews, name="my_reviews"),
    path("my/reviews/<id:pk>/", views_review.review_assignment, name="review_assignment"),
    path("roster/", views_review.roster, name="roster"),
    path("roster/add/", views_review.roster_edit, name="roster_add"),
    path("roster/<id:user_id>/", views_review.roster_edit, name="roster_edit"),
    # Bulk import (views_import)
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<str:key>/", views_import.import_report, name="import_report"),
    # Figures (views_charts)
    path("figures/", views_charts.figures, name="figures"),
]
