from __future__ import annotations

import uuid

import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from appeals.models import Automation, Decision

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified primary address who can sign in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class DecisionFactory(factory.Factory):
    """A decision made through the ledger's one service (audit row, effects hook, notification),
    without running the provenance pipeline. Defaults: an automated suspected label on a note."""

    class Meta:
        model = Decision

    subject_owner = factory.SubFactory(UserFactory)
    subject_type = Decision.SubjectType.NOTE
    subject_id = factory.LazyFunction(uuid.uuid4)
    subject_title = "Sunset over the bay"
    kind = Decision.Kind.LABEL_SUSPECTED
    summary = "A suspected AI label was added."
    facts = "Image 1 carries AUTOMATIC1111 generation parameters."
    rule_code = Decision.RuleCode.AI_LABEL_MISSING
    automated_detection = Automation.FULLY
    automated_decision = Automation.FULLY
    evidence = factory.LazyFunction(list)
    decided_by = None
    ends_at = None

    @classmethod
    def _create(cls, model_class: type, **kwargs: object) -> Decision:
        from appeals import services

        statement = services.Statement(
            summary=kwargs.pop("summary"),
            facts=kwargs.pop("facts"),
            rule_code=kwargs.pop("rule_code"),
            automated_detection=kwargs.pop("automated_detection"),
            automated_decision=kwargs.pop("automated_decision"),
            evidence=kwargs.pop("evidence"),
        )
        decision, _created = services.decision_create(statement=statement, **kwargs)
        return decision


def staff_with_permissions(*codenames: str, **extra: object) -> User:
    """A staff member holding exactly these permissions (no superuser shortcut), MFA set up."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True, **extra)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    TOTP.activate(user, generate_totp_secret())
    return User.objects.get(pk=user.pk)
