"""Citizen entitlements and the same-treatment index, included at the site root."""

from django.urls import path

from luohu.entitlements import views

app_name = "entitlements"

urlpatterns = [
    path("entitlements/", views.entitlements_check, name="check"),
    path("same-treatment/", views.same_treatment, name="same_treatment"),
]
