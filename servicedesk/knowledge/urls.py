"""Knowledge base routes: the desk's (agents) under /desk/kb/, the portal's under /portal/kb/,
and article files under /kb/files/ for whoever may see the article."""

from django.urls import path

from servicedesk.knowledge.views import desk, files, portal

desk_patterns = [
    path("", desk.article_list, name="list"),
    path("new/", desk.article_new, name="new"),
    path("review/", desk.review_queues, name="queues"),
    path("<int:pk>/", desk.article_detail, name="article"),
    path("<int:pk>/edit/", desk.article_edit, name="edit"),
    path("<int:pk>/transition/", desk.article_transition_view, name="transition"),
    path("<int:pk>/versions/", desk.article_versions_view, name="versions"),
    path("<int:pk>/files/", desk.article_upload, name="upload"),
    path("<int:pk>/link/<str:number>/", desk.article_link, name="link"),
    path("<int:pk>/unlink/<str:number>/", desk.article_unlink, name="unlink"),
]

portal_patterns = [
    path("", portal.search_page, name="search"),
    path("suggest/", portal.suggest, name="suggest"),
    path("solved/", portal.solved_done, name="solved_done"),
    path("<int:pk>/", portal.article_detail, name="article"),
    path("<int:pk>/feedback/", portal.feedback, name="feedback"),
    path("<int:pk>/solved/", portal.solved, name="solved"),
]

file_patterns = [
    path("<int:pk>/<str:filename>", files.attachment_download, name="file"),
]
