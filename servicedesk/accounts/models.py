import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from servicedesk.accounts.choices import STAFF_ROLES, Role, Tier


class Organisation(models.Model):
    """A customer organisation; every end user belongs to at most one."""

    name = models.CharField(max_length=200, unique=True)
    email_domain = models.CharField(
        max_length=200, blank=True, help_text="Mail from this domain belongs to this organisation."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeskUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # `servicedesk createsuperuser` makes the desk's first admin, not a superuser end user.
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who signs in: end users, agents, group leads and admins."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.END_USER)
    display_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    can_see_organisation_tickets = models.BooleanField(
        default=False, help_text="End user: may see every ticket of their organisation."
    )
    can_see_all_tickets = models.BooleanField(
        default=False, help_text="Agent: may see tickets of every group, not only their own."
    )
    is_vip = models.BooleanField(default=False)
    out_of_office_from = models.DateField(null=True, blank=True)
    out_of_office_until = models.DateField(null=True, blank=True)
    # What triage reads to route tickets (docs/admin-guide.md, Assignment).
    location = models.CharField(
        max_length=100, blank=True, help_text="Site or office, e.g. HQ; rules can match on it."
    )
    skills = models.JSONField(
        default=list, blank=True, help_text='Agent: what they know, e.g. ["network", "vpn"].'
    )
    max_open_tickets = models.PositiveIntegerField(
        null=True, blank=True, help_text="Agent: no new tickets by triage beyond this many open."
    )

    objects = DeskUserManager()

    class Meta:
        indexes = [models.Index(fields=["email"]), models.Index(fields=["phone"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The admin role is the desk's administrator: the admin site and everything in it.
        if self.role == Role.ADMIN:
            self.is_staff = self.is_superuser = True
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_agent(self) -> bool:
        """Agents, leads and admins work tickets in the desk."""
        return self.role in STAFF_ROLES

    @property
    def is_desk_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class SupportGroup(models.Model):
    """A team that works tickets, at one tier of the L1 -> L2 -> L3 escalation ladder."""

    name = models.CharField(max_length=200, unique=True)
    tier = models.CharField(max_length=2, choices=Tier.choices, default=Tier.L1)
    email = models.EmailField(blank=True)
    lead = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_groups"
    )
    members = models.ManyToManyField(User, through="Membership", related_name="support_groups")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(SupportGroup, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class ApiToken(models.Model):
    """A personal API token. Only a hash is stored; the secret is shown once, at creation."""

    PREFIX = "sd_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
