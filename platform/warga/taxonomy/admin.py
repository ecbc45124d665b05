from django.contrib import admin

from warga.taxonomy.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name_id", "name_en", "handling", "default_priority", "handler_hint", "is_active")
    list_filter = ("handling", "default_priority", "is_active")
    search_fields = ("code", "name_id", "name_en")
