from allauth.account.apps import AccountConfig as AllauthAccountConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")


class SignInAddressesConfig(AllauthAccountConfig):
    """allauth's account app under a name of its own in the admin: without this, the admin index had two
    "Accounts" sections (ours, and allauth's email addresses)."""

    verbose_name = _("Sign-in email addresses")
