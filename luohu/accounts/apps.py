from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luohu.accounts"
    label = "accounts"
    verbose_name = "账户与角色 Accounts and roles"
