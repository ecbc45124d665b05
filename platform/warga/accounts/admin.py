from django.contrib import admin

from warga.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "phone", "full_name", "is_staff", "date_joined"]
    search_fields = ["email", "phone", "full_name"]
    readonly_fields = ["id", "date_joined", "last_login"]
    exclude = ["password"]
