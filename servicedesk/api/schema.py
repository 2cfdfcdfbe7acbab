"""OpenAPI extensions for our own authentication and fields (registered in apps.py)."""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.plumbing import ResolvedComponent

from servicedesk.api.serializers.common import EnumField


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "servicedesk.api.auth.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from `servicedesk create-api-token USERNAME`.",
        }


class EnumFieldSchema(OpenApiSerializerFieldExtension):
    target_class = EnumField
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        field: EnumField = self.target
        values = list(field.choices)
        schema = {
            "type": "integer" if all(isinstance(v, int) for v in values) else "string",
            "enum": values,
            "description": "\n".join(f"* `{v}` - {label}" for v, label in field.choices.items()),
        }
        component = ResolvedComponent(
            name=field.enum_name, type=ResolvedComponent.SCHEMA, object=field.enum_name,
            schema=schema,
        )  # fmt: skip
        auto_schema.registry.register_on_missing(component)
        return component.ref
