from django.urls import path

from luohu.permits import views

app_name = "permits"

urlpatterns = [
    path("permits/", views.permit_queue, name="queue"),
    path("permits/new/", views.permit_new, name="new"),
    path("permits/<str:number>/", views.permit_detail, name="detail"),
    path("permits/<str:number>/act", views.permit_act_view, name="act"),
    path("my/permits/", views.my_permits, name="mine"),
    path("my/permits/apply/", views.permit_apply_view, name="apply"),
]
