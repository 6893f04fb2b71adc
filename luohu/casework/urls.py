from django.urls import path

from luohu.casework import views

app_name = "casework"

urlpatterns = [
    path("cases/", views.case_queue, name="queue"),
    path("cases/export.xlsx", views.case_export, name="export"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/act", views.case_act, name="act"),
    path("cases/<str:number>/documents/<int:document_id>", views.case_document, name="document"),
    path("cases/<str:number>/duplicates", views.case_duplicate_review, name="duplicate_review"),
    path("my/applications/", views.my_applications, name="mine"),
    path(
        "cases/<str:number>/members/<int:position>/consent",
        views.member_consent,
        name="member_consent",
    ),
]
