from django.urls import path

from luohu.security import views

app_name = "security"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/<int:user_id>/role", views.user_role, name="user_role"),
    path("users/<int:user_id>/unlock", views.user_unlock, name="user_unlock"),
    path("users/<int:user_id>/otp-reset", views.user_otp_reset, name="user_otp_reset"),
]
