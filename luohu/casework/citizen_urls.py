"""Citizen pages, included at the site root."""

from django.urls import path

from luohu.casework import citizen_views

app_name = "citizen"

urlpatterns = [
    path("self-check/", citizen_views.self_check, name="self_check"),
    path("apply/", citizen_views.apply, name="apply"),
    path("progress/", citizen_views.progress, name="progress"),
    path("my/applications/<str:number>/supply", citizen_views.supply, name="supply"),
    path("my/record-views/", citizen_views.record_views, name="record_views"),
]
