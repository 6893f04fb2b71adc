from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from luohu.accounts.models import User


@admin.register(User)
class LuohuUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "role", "jurisdiction_code", "is_active")
    list_filter = ("role", "jurisdiction_code", "is_active")
    fieldsets = (*(UserAdmin.fieldsets or ()), ("luohu", {"fields": ("role", "jurisdiction_code")}))
