"""Names: validation of service and resource names, and the forms derived from them."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from functools import cached_property

import inflection

from backendkit.errors import UsageError
from backendkit.reserved import RESERVED_TABLE_NAMES, reserved_resource_reason

_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
MAX_SERVICE_NAME = 50
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def validate_service_name(name: str) -> str:
    """Return NAME if it is a usable service name, else raise UsageError."""
    if not name:
        raise UsageError("service name is empty: use lowercase letters, digits and hyphens")
    if len(name) > MAX_SERVICE_NAME:
        raise UsageError(
            f"service name {name!r} is {len(name)} characters long; at most {MAX_SERVICE_NAME} "
            "(Kubernetes names such as <name>-migrate must fit in 63)"
        )
    if not _SERVICE_NAME.fullmatch(name):
        raise UsageError(
            f"invalid service name {name!r}: use lowercase letters, digits, '-' or '_', "
            "starting with a letter (e.g. book-club)"
        )
    return name


def validate_resource_name(name: str) -> str:
    """Return NAME if it is a usable resource name, else raise UsageError."""
    if not name:
        raise UsageError("resource name is empty: use a lowercase identifier such as 'order'")
    if not _IDENTIFIER.fullmatch(name):
        raise UsageError(
            f"invalid resource name {name!r}: use a lowercase identifier "
            "(letters, digits, single underscores, starting with a letter), e.g. status_update"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid resource name {name!r}: it is a Python keyword")
    if reason := reserved_resource_reason(name, pascal(name)):
        raise UsageError(f"invalid resource name {name!r}: {reason}")
    if plural(name) in RESERVED_TABLE_NAMES:
        raise UsageError(
            f"invalid resource name {name!r}: its table {plural(name)!r} is an SQL keyword"
        )
    if singular(name) != name:
        raise UsageError(
            f"invalid resource name {name!r}: name resources in the singular "
            f"(did you mean {singular(name)!r}?)"
        )
    return name


def validate_plural(name: str, declared: str) -> str:
    """Return DECLARED if it can be the plural of resource NAME (its table and path)."""
    if not _IDENTIFIER.fullmatch(declared) or keyword.iskeyword(declared):
        raise UsageError(
            f"invalid plural {declared!r} of {name!r}: use a lowercase identifier "
            "(letters, digits, single underscores, starting with a letter), e.g. criteria"
        )
    if declared in RESERVED_TABLE_NAMES:
        raise UsageError(f"invalid plural {declared!r} of {name!r}: it is an SQL keyword")
    return declared


def validate_field_name(name: str) -> str:
    """Return NAME if it is a usable column name, else raise UsageError."""
    if not _IDENTIFIER.fullmatch(name):
        raise UsageError(
            f"invalid field name {name!r}: use a lowercase identifier such as 'unit_price'"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"invalid field name {name!r}: it is a Python keyword")
    return name


def plural(word: str) -> str:
    """English plural of a snake_case word (only the last part is inflected)."""
    head, _, last = word.rpartition("_")
    inflected = _plural_word(last)
    return f"{head}_{inflected}" if head else inflected


def singular(word: str) -> str:
    """English singular of a snake_case word (only the last part is inflected)."""
    head, _, last = word.rpartition("_")
    inflected = _singular_word(last)
    return f"{head}_{inflected}" if head else inflected


# Plurals users write that inflection does not know: Latin and Greek ones mostly.
IRREGULAR_PLURALS = {
    "alga": "algae", "alumnus": "alumni", "appendix": "appendices", "automaton": "automata",
    "cactus": "cacti", "corpus": "corpora", "criterion": "criteria", "curriculum": "curricula",
    "datum": "data", "ellipsis": "ellipses", "focus": "foci", "foot": "feet",
    "fungus": "fungi", "genus": "genera", "goose": "geese", "larva": "larvae", "locus": "loci",
    "memorandum": "memoranda", "nucleus": "nuclei", "oasis": "oases", "octopus": "octopuses",
    "phenomenon": "phenomena", "radius": "radii", "stimulus": "stimuli", "syllabus": "syllabi",
    "terminus": "termini", "tooth": "teeth", "vertebra": "vertebrae", "virus": "viruses",
}  # fmt: skip
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in IRREGULAR_PLURALS.items()}
# Singular nouns ending in s that inflection would strip (bonus -> bonu): plural in -es.
_SINGULARS_IN_S = frozenset(
    {
        "abacus", "apparatus", "atlas", "bias", "bonus", "campus", "canvas", "census", "chorus",
        "circus", "consensus", "exodus", "gas", "hiatus", "impetus", "iris", "lens", "lotus",
        "minus", "nexus", "onus", "plus", "prospectus", "sinus", "stylus", "surplus",
        "thesaurus", "torus", "walrus",
    }
)  # fmt: skip


def _plural_word(word: str) -> str:
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word in _SINGULARS_IN_S:
        return word + "es"
    inflected: str = inflection.pluralize(word)
    return inflected


def _singular_word(word: str) -> str:
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if word in IRREGULAR_PLURALS or word in _SINGULARS_IN_S:
        return word
    if word.endswith("es") and word[:-2] in _SINGULARS_IN_S:
        return word[:-2]
    inflected: str = inflection.singularize(word)
    return inflected


def camel(snake: str) -> str:
    """lowerCamelCase of a snake_case name."""
    result: str = inflection.camelize(snake, uppercase_first_letter=False)
    return result


def json_key(column: str) -> str:
    """The camelCase JSON key of COLUMN, exactly as pydantic's ``to_camel`` (which the generated
    schemas use as their alias generator) spells it; kept here so the CLI need not import pydantic.
    """
    if re.fullmatch(r"[a-z]+[A-Za-z0-9]*", column) and not re.search(r"\d[a-z]", column):
        return column
    pascal_form = re.sub(r"([0-9A-Za-z])_(?=[0-9A-Z])", lambda m: m.group(1), column.title())
    return re.sub(r"(^_*[A-Z])", lambda m: m.group(1).lower(), pascal_form)


def pascal(snake: str) -> str:
    """PascalCase of a snake_case name."""
    result: str = inflection.camelize(snake)
    return result


@dataclass(frozen=True)
class ResourceNames:
    """Every spelling of one resource name that the templates need."""

    singular: str
    # The plural the resource declared (``plural:`` / ``--plural``), when English is not enough.
    declared_plural: str | None = None

    @cached_property
    def plural(self) -> str:
        return self.declared_plural or plural(self.singular)

    @cached_property
    def class_name(self) -> str:
        return pascal(self.singular)

    @cached_property
    def camel(self) -> str:
        return camel(self.singular)

    @cached_property
    def camel_plural(self) -> str:
        return camel(self.plural)

    @cached_property
    def path(self) -> str:
        return self.plural.replace("_", "-")

    @cached_property
    def label(self) -> str:
        return self.singular.replace("_", " ")

    @cached_property
    def label_plural(self) -> str:
        return self.plural.replace("_", " ")
