"""The service config model: one validated description of a service, whatever filled it."""

from __future__ import annotations

from typing import Any, Literal

from backendkit.actions import ActionSpec, check_actions
from backendkit.fields import FieldSpec, parse_field, parse_fields, split_fields
from backendkit.naming import (
    ResourceNames,
    json_key,
    pascal,
    validate_plural,
    validate_resource_name,
    validate_service_name,
)
from backendkit.records import FrozenRecord
from backendkit.reserved import (
    EVENT_TABLES,
    RESOURCE_CLASS_SUFFIXES,
    TEMPLATE_IMPORTED_NAMES,
    TEMPLATE_TABLES,
)

Database = Literal["sqlite", "postgres"]
Auth = Literal["jwt", "none"]
Cache = Literal["redis", "none"]
Broker = Literal["none", "rabbitmq", "nats", "redis"]
DeployTarget = Literal["docker", "k8s"]
CI = Literal["github", "none"]
ApiStyle = Literal["rest", "graphql"]

# Choices the templates do not build yet. Refused with a message rather than silently ignored;
# each later feature removes its entry here.
NOT_BUILT_YET: dict[str, dict[str, str]] = {}
# GraphQL comes beside REST: sign-in, health and the resources' REST routes stay.
API_CHOICES = (("rest",), ("rest", "graphql"))
DEFAULTS: dict[str, Any] = {
    "db": "sqlite",
    "auth": "jwt",
    "cache": "none",
    "broker": "none",
    "deploy": ("docker", "k8s"),
    "ci": "github",
    "api": ("rest",),
}
DEFAULT_FIELDS = "name:str"
USER_FIELDS = "email:email:unique name:str(100) role:enum(user,admin)=user is_active:bool=true"
# With --auth jwt a `user` resource is also the account people sign in with: these columns
# (name: type, and what an enum must offer) are what sign-in, roles and /users/me rely on.
AUTH_USER_COLUMNS: dict[str, tuple[str, frozenset[str]]] = {
    "email": ("email", frozenset()),
    "name": ("str", frozenset()),
    "role": ("enum", frozenset({"user", "admin"})),
    "is_active": ("bool", frozenset()),
}


class ResourceSpec(FrozenRecord, frozen=True, kw_only=True):
    """One resource of a service: its name, fields and behaviours."""

    name: str
    fields: tuple[FieldSpec, ...] = ()
    owned: bool = False
    soft_delete: bool = False
    actions: tuple[ActionSpec, ...] = ()
    # Creating, updating and deleting one publishes <name>.created/updated/deleted (outbox).
    events: bool = False
    # Its plural (table and path) when the English one is not what the user wants.
    plural: str | None = None

    @classmethod
    def prepare(cls, data: Any) -> Any:
        """Accept the command-line field syntax: one string, or a list of tokens.

        A resource declared without fields gets ``name:str``, as on the command line: the
        generated code needs at least one.
        """
        if not isinstance(data, dict):
            return data
        if isinstance(data.get("actions"), list | tuple):
            data = {**data, "actions": [ActionSpec.prepare(a) for a in data["actions"]]}
        value = data.get("fields") or DEFAULT_FIELDS
        if isinstance(value, str):
            value = tuple(parse_fields(split_fields(value)))
        elif isinstance(value, list | tuple):
            value = tuple(parse_field(v) if isinstance(v, str) else v for v in value)
        return {**data, "fields": value}

    def __post_init__(self) -> None:
        validate_resource_name(self.name)
        if self.plural is not None:
            validate_plural(self.name, self.plural)
        self._unique_columns()
        self._refs_supported()
        check_actions(self.name, self.actions, parents=[f.ref for f in self.refs if f.ref])

    def _unique_columns(self) -> None:
        columns = [f.column for f in self.fields]
        duplicates = sorted({c for c in columns if columns.count(c) > 1})
        if duplicates:
            raise ValueError(f"fields of {self.name!r} repeat: {', '.join(duplicates)}")
        keys = [json_key(c) for c in columns]
        same_key = sorted({c for c, k in zip(columns, keys, strict=True) if keys.count(k) > 1})
        if same_key:
            raise ValueError(
                f"fields of {self.name!r} share a JSON key: {', '.join(same_key)} are all "
                f"{json_key(same_key[0])!r}"
            )
        generated = {self.names.class_name + suffix for suffix in RESOURCE_CLASS_SUFFIXES}
        for field in self.fields:
            enum_class = self.names.class_name + pascal(field.name)
            if field.type == "enum" and enum_class in generated | TEMPLATE_IMPORTED_NAMES:
                raise ValueError(
                    f"field {field.to_token()!r}: its enum class {enum_class} would replace "
                    f"the generated {enum_class}; name the field differently"
                )

    def _refs_supported(self) -> None:
        parents: set[str] = set()
        for field in self.fields:
            if field.ref is None:
                continue
            if field.ref == self.name:
                raise ValueError(
                    f"field {field.to_token()!r}: a resource cannot ref itself; "
                    "keep the id in a uuid field instead"
                )
            if field.ref in parents:
                # Each parent gets one nested route (/parents/{id}/children): it must be unique.
                raise ValueError(
                    f"field {field.to_token()!r}: {self.name!r} already refs {field.ref!r}; "
                    "one ref per parent resource"
                )
            parents.add(field.ref)

    @property
    def refs(self) -> tuple[FieldSpec, ...]:
        """The fields that are foreign keys to another resource."""
        return tuple(f for f in self.fields if f.ref is not None)

    @property
    def names(self) -> ResourceNames:
        return ResourceNames(self.name, self.plural)

    @classmethod
    def with_default_fields(cls, name: str) -> ResourceSpec:
        """A resource with the fields a resource of that name usually needs."""
        fields = USER_FIELDS if name == "user" else "name:str"
        return cls.model_validate({"name": name, "fields": fields})


class ServiceConfig(FrozenRecord, frozen=True, kw_only=True):
    """Everything that decides what a service's files are."""

    name: str
    db: Database = DEFAULTS["db"]
    auth: Auth = DEFAULTS["auth"]
    cache: Cache = DEFAULTS["cache"]
    broker: Broker = DEFAULTS["broker"]
    deploy: tuple[DeployTarget, ...] = DEFAULTS["deploy"]
    ci: CI = DEFAULTS["ci"]
    api: tuple[ApiStyle, ...] = DEFAULTS["api"]
    resources: tuple[ResourceSpec, ...] = ()

    @classmethod
    def prepare(cls, data: Any) -> Any:
        """Accept ``docker,k8s`` and ``none`` for deploy, ``rest,graphql`` for api, and
        resources in the field syntax."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        deploy = data.get("deploy")
        if isinstance(deploy, str):
            deploy = [] if deploy.strip() in {"", "none"} else deploy.split(",")
        if isinstance(deploy, list | tuple):
            items = [str(v).strip() for v in deploy]
            data["deploy"] = tuple(sorted(set(items), key=items.index))
        api = data.get("api")
        if isinstance(api, str):
            api = api.split(",")
        if isinstance(api, list | tuple):
            # One spelling whatever the order given: REST first.
            items = [str(v).strip() for v in api]
            data["api"] = tuple(sorted(set(items), key=lambda v: (v != "rest", v)))
        if isinstance(data.get("resources"), list | tuple):
            data["resources"] = [ResourceSpec.prepare(r) for r in data["resources"]]
        return data

    def __post_init__(self) -> None:
        validate_service_name(self.name)
        if self.api not in API_CHOICES:
            raise ValueError(
                f"api={','.join(self.api) or 'none'}: choose rest or rest,graphql "
                "(GraphQL is served beside REST, whose sign-in routes it uses)"
            )
        self._built_choices_only()
        self._resources_consistent()

    def _built_choices_only(self) -> None:
        for key, refused in NOT_BUILT_YET.items():
            value = getattr(self, key)
            for choice in value if isinstance(value, tuple) else (value,):
                if choice in refused:
                    raise ValueError(f"{key}={choice}: {refused[choice]}")

    def _resources_consistent(self) -> None:
        names = [r.name for r in self.resources]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"resources repeat: {', '.join(repeated)}")
        tables = [r.names.plural for r in self.resources]
        clashes = sorted({t for t in tables if tables.count(t) > 1})
        if clashes:
            raise ValueError(f"resources share a table name: {', '.join(clashes)}")
        taken = TEMPLATE_TABLES.get(self.auth, frozenset())
        if self.broker != "none":
            taken |= EVENT_TABLES
        for resource in self.resources:
            if resource.names.plural in taken:
                raise ValueError(
                    f"resource {resource.name!r}: "
                    + (
                        "the events have"
                        if resource.names.plural in EVENT_TABLES and self.broker != "none"
                        else f"--auth {self.auth} has"
                    )
                    + " a table "
                    f"{resource.names.plural!r} of its own; name the resource differently"
                )
            if resource.name == "user" and self.auth == "jwt":
                _check_auth_user(resource)
            if resource.owned and "owner_id" in {f.column for f in resource.fields}:
                raise ValueError(
                    f"resource {resource.name!r} is --owned: owner_id is set by the service, "
                    "do not declare it"
                )
            owned = {r.name for r in self.resources if r.owned}
            refs = [f.ref for f in resource.fields if f.ref]
            if (resource.owned and refs) or owned & set(refs):
                raise ValueError(
                    f"resource {resource.name!r}: ref fields to or from --owned resources "
                    "are not built yet"
                )
            names = [r.name for r in self.resources]
            if (
                resource.owned
                and "user" in names
                and names.index("user") > names.index(resource.name)
            ):
                # owner_id is a foreign key to users: that table's migration must come first.
                raise ValueError(f"resource {resource.name!r} is --owned: declare 'user' before it")
            if resource.owned and self.auth != "jwt":
                raise ValueError(
                    f"resource {resource.name!r} is --owned: owned resources need --auth jwt"
                )
        _events_have_a_broker(self)
        _refs_point_backwards(self.resources)
        _actions_clear_of_nested_routes(self.resources)
        account = next((r for r in self.resources if r.name == "user"), None)
        if self.auth == "jwt" and account is not None and account.refs:
            # Registration and the nested create would both need the parent and the password.
            raise ValueError(
                f"field {account.refs[0].to_token()!r}: the user resource is the sign-in "
                "account with --auth jwt and cannot have ref fields"
            )

    def answers(self) -> dict[str, Any]:
        """The template answers: every choice except the resources.

        ``api`` is recorded only when it is not REST alone, and ``broker`` only when there
        is one, so the state files of projects without them read as they did before the
        choices existed.
        """
        answers: dict[str, Any] = {
            "name": self.name,
            "db": self.db,
            "auth": self.auth,
            "cache": self.cache,
            "deploy": list(self.deploy),
            "ci": self.ci,
        }
        if self.api != DEFAULTS["api"]:
            answers["api"] = list(self.api)
        if self.broker != DEFAULTS["broker"]:
            answers["broker"] = self.broker
        return answers

    @property
    def graphql(self) -> bool:
        """Whether the service serves GraphQL at /graphql."""
        return "graphql" in self.api


def _check_auth_user(resource: ResourceSpec) -> None:
    """Refuse a `user` resource that lacks a column sign-in needs (it is the auth user)."""
    declared = {f.column: f for f in resource.fields}
    missing = []
    for column, (type_, choices) in AUTH_USER_COLUMNS.items():
        field = declared.get(column)
        if field is None or field.type != type_ or not choices <= set(field.choices):
            missing.append(column)
        elif field.optional and column in {"email", "name"}:
            missing.append(f"{column} (required)")
    email = declared.get("email")
    if email is not None and "email" not in missing and not email.unique:
        missing.append("email (unique)")
    # Registration sets only the sign-in columns: any other must be optional or defaulted.
    unfilled = sorted(
        f.column
        for f in resource.fields
        if f.column not in AUTH_USER_COLUMNS and not f.optional and f.default is None
    )
    if unfilled:
        raise ValueError(
            f"resource 'user' is the sign-in account with --auth jwt: registration cannot fill "
            f"{', '.join(unfilled)}; make it :optional or give it a default"
        )
    reserved = sorted({"password", "password_hash"} & set(declared))
    if reserved:
        raise ValueError(f"resource 'user' cannot declare {', '.join(reserved)}: auth owns it")
    if missing:
        raise ValueError(
            f"resource 'user' is the sign-in account with --auth jwt and needs {USER_FIELDS!r}; "
            f"missing or different: {', '.join(missing)}"
        )


def _events_have_a_broker(config: ServiceConfig) -> None:
    """Resources with events need a broker, and the sign-in account publishes none."""
    for resource in config.resources:
        if not resource.events:
            continue
        if config.broker == "none":
            raise ValueError(
                f"resource {resource.name!r} has events: choose a broker first "
                "(--broker rabbitmq|nats|redis, or update --set broker=...)"
            )
        if resource.name == "user" and config.auth == "jwt":
            raise ValueError(
                "resource 'user' is the sign-in account with --auth jwt: it publishes no events"
            )


def _refs_point_backwards(resources: tuple[ResourceSpec, ...]) -> None:
    """Every ref names a resource declared before it: its table (and migration) comes first."""
    declared: list[str] = []
    for resource in resources:
        for field in resource.refs:
            if field.ref not in declared:
                later = field.ref in {r.name for r in resources}
                known = ", ".join(declared) or "none"
                raise ValueError(
                    f"field {field.to_token()!r} of {resource.name!r}: "
                    + (
                        f"{field.ref!r} must be declared before {resource.name!r}"
                        if later
                        else f"no resource {field.ref!r} (declared before it: {known})"
                    )
                )
        declared.append(resource.name)


def _actions_clear_of_nested_routes(resources: tuple[ResourceSpec, ...]) -> None:
    """``POST /<parents>/{id}/<children>`` creates a child: no action of the parent may take it."""
    by_name = {r.name: r for r in resources}
    for child in resources:
        for ref in child.refs:
            parent = by_name.get(ref.ref or "")
            if parent is None:
                continue
            for action in parent.actions:
                if action.path == child.names.path:
                    raise ValueError(
                        f"action {action.name!r} of {parent.name!r} and the nested create of "
                        f"{child.names.label_plural} would both be POST /{parent.names.path}"
                        f"/{{id}}/{action.path}: rename one of them"
                    )
