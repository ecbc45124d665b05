from django.contrib import admin

from warga.taxonomy.models import Category, CategoryQuestion, CategoryQuestionValue


class CategoryQuestionInline(admin.TabularInline[CategoryQuestion, Category]):
    model = CategoryQuestion
    fields = ("order", "code", "datatype", "required", "description_id", "description_en", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name_id", "name_en", "handling", "default_priority", "handler_hint", "is_active")
    list_filter = ("handling", "default_priority", "is_active")
    search_fields = ("code", "name_id", "name_en")
    inlines = [CategoryQuestionInline]


class CategoryQuestionValueInline(admin.TabularInline[CategoryQuestionValue, CategoryQuestion]):
    model = CategoryQuestionValue
    fields = ("order", "key", "name_id", "name_en")
    extra = 0


@admin.register(CategoryQuestion)
class CategoryQuestionAdmin(admin.ModelAdmin[CategoryQuestion]):
    """The choices of a list question are edited here, below the question."""

    list_display = ("category", "code", "datatype", "required", "description_id", "is_active")
    list_filter = ("datatype", "required", "is_active", "category")
    search_fields = ("code", "description_id", "description_en", "category__code")
    inlines = [CategoryQuestionValueInline]
