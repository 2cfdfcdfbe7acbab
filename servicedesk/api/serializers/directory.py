"""People, groups and categories as the API shows them."""

from rest_framework import serializers

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.models import SupportGroup, User
from servicedesk.api.serializers.common import Ref, choices_of, enum_field
from servicedesk.tickets.models import Category


class UserOutput(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    role = enum_field("Role", choices_of(Role), read_only=True)
    organisation = Ref(read_only=True, allow_null=True)
    groups = Ref(source="support_groups", many=True, read_only=True)
    is_agent = serializers.BooleanField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "username", "name", "email", "phone", "role", "is_agent", "organisation",
            "groups", "is_vip", "is_active",
        ]  # fmt: skip
        read_only_fields = fields


class UserSearchInput(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text="Part of the name, user name, email address or phone number.",
    )  # fmt: skip
    role = enum_field("Role", choices_of(Role), required=False)


class GroupOutput(serializers.ModelSerializer):
    """A support group as agents see it, with its members."""

    tier = enum_field("Tier", choices_of(Tier), read_only=True)
    lead = Ref(read_only=True, allow_null=True)
    members = Ref(many=True, read_only=True)

    class Meta:
        model = SupportGroup
        fields = ["id", "name", "tier", "email", "lead", "members", "is_active"]
        read_only_fields = fields


class GroupBrief(serializers.ModelSerializer):
    """A support group as end users see it."""

    tier = enum_field("Tier", choices_of(Tier), read_only=True)

    class Meta:
        model = SupportGroup
        fields = ["id", "name", "tier"]
        read_only_fields = fields


class SubcategoryOutput(serializers.ModelSerializer):
    default_group = Ref(read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "name", "default_group"]
        read_only_fields = fields


class CategoryOutput(SubcategoryOutput):
    children = SubcategoryOutput(many=True, read_only=True)

    class Meta(SubcategoryOutput.Meta):
        fields = [*SubcategoryOutput.Meta.fields, "children"]
        read_only_fields = fields
