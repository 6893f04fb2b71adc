from django.contrib import admin
from django.http import HttpRequest

from luohu.registry.models import Division


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    """Reference data: changed only by `luohu load_divisions`, never by hand."""

    list_display = ["code", "name", "level", "parent_code", "lineage", "valid_from", "valid_to"]
    list_filter = ["level", "vintage"]
    search_fields = ["code", "name", "lineage"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
