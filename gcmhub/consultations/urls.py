from django.urls import path

from gcmhub.consultations import views, views_moderation

app_name = "consultations"

# Fixed addresses first: a space's slug may not take them (models.RESERVED_SLUGS).
urlpatterns = [
    path("", views.space_list, name="spaces"),
    path("code-of-conduct/", views.code_of_conduct, name="code_of_conduct"),
    # A comment's own pages (views)
    path("comments/<id:pk>/", views.comment_link, name="comment"),
    path("comments/<id:pk>/reply/", views.comment_reply, name="reply"),
    path("comments/<id:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<id:pk>/delete/", views.comment_delete, name="delete"),
    path("comments/<id:pk>/flag/", views.comment_flag, name="flag"),
    path("comments/<id:pk>/history/", views.comment_history, name="history"),
    # Moderation (views_moderation)
    path("moderation/", views_moderation.moderation_queue, name="moderation"),
    path("moderation/comments/<id:pk>/", views_moderation.moderate_comment, name="moderate"),
    path("moderation/log/", views_moderation.moderation_log, name="log"),
    path("moderation/appeals/", views_moderation.appeal_queue, name="appeals"),
    path("moderation/appeals/<id:pk>/", views_moderation.appeal_decide, name="appeal_decide"),
    path("moderation/restrictions/", views_moderation.restrictions, name="restrictions"),
    path("moderation/restrictions/<id:pk>/lift/", views_moderation.lift, name="lift"),
    path("moderation/suspend/<id:user_id>/", views_moderation.suspend, name="suspend"),
    path("appeals/<id:pk>/", views_moderation.appeal, name="appeal"),
    # Spaces and topics (views)
    path("<slug:space>/", views.space_detail, name="space"),
    path("<slug:space>/members/", views_moderation.members, name="members"),
    path("<slug:space>/members/<id:user_id>/", views_moderation.member_change, name="member_change"),
    path("<slug:space>/mute/<id:user_id>/", views_moderation.mute, name="mute"),
    path("<slug:space>/<slug:topic>/", views.topic_detail, name="topic"),
    path("<slug:space>/<slug:topic>/threads/<id:pk>/", views.thread_detail, name="thread"),
    path("<slug:space>/<slug:topic>/comments.<str:fmt>", views_moderation.comments_export, name="export"),
]
