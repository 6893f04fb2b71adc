from django.contrib.auth import views as auth_views
from django.urls import path

from luohu.web import auth_views as luohu_auth
from luohu.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", luohu_auth.LoginView.as_view(), name="login"),
    path("login/code/", luohu_auth.otp_verify, name="otp_verify"),
    path("login/authenticator/", luohu_auth.otp_enrol, name="otp_enrol"),
    path("login/authenticator/qr.svg", luohu_auth.otp_qr, name="otp_qr"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("divisions/", views.division_overview, name="divisions"),
    path("divisions/<str:county_code>/", views.division_county, name="division_county"),
    path("healthz", views.healthz, name="healthz"),
]
