from django.contrib.auth import views as auth_views
from django.urls import path

from luohu.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("divisions/", views.division_overview, name="divisions"),
    path("divisions/<str:county_code>/", views.division_county, name="division_county"),
    path("healthz", views.healthz, name="healthz"),
]
