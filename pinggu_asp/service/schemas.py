"""The request and error documents as the OpenAPI schema describes them.

These models document the API (``/openapi.json``, ``/docs``) and give the fuzzer
its shapes. The service itself parses bodies with the CLI's own reader
(decimals stay exact, a key given twice is refused) and checks declarations
with the CLI's model, so the two answer alike.
"""

from __future__ import annotations

from typing import Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

from ..declaration import Declaration
from ..policy.interpretations import SWITCHES

DECLARATION_HELP = "A pinggu-declaration/1 object, or its YAML or JSON text (as a file would hold it)."
INTERPRETATIONS_HELP = "Alternative readings to switch on (SPEC §7), as the CLI's -i."
PARAMETERS_HELP = (
    "The text of a pinggu-parameters/1 document to use instead of the shipped one (a reform), "
    "as the CLI's --parameters file holds it. The result's provenance.parameters_source is then \"request\"."
)

# Only the switches are accepted; saying so lets the fuzzer reach the declaration.
READING_SWITCHES: dict[str, Any] = {"items": {"enum": sorted(SWITCHES)}}


class DecideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declaration: Union[Declaration, str] = Field(description=DECLARATION_HELP)
    interpretations: list[str] = Field(default_factory=list, description=INTERPRETATIONS_HELP,
                                       json_schema_extra=READING_SWITCHES)
    parameters: Optional[str] = Field(default=None, description=PARAMETERS_HELP)


class WhatifRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declaration: Union[Declaration, str] = Field(description=DECLARATION_HELP)
    changes: list[str] = Field(default_factory=list, description="Changed facts, PATH=VALUE, as the CLI's --set: "
                               "annual[2025].gross_output=120000000, 'orders[o-9]={...}', orders[o-9]=null.")
    params: list[str] = Field(default_factory=list, description="Changed parameters, NAME=VALUE, as the CLI's --param.")
    interpretations: list[str] = Field(default_factory=list, description="Readings switched on for the changed run, "
                                       "as the CLI's -i.", json_schema_extra=READING_SWITCHES)
    base_interpretations: list[str] = Field(default_factory=list, description="Readings in force in both runs, as "
                                            "the CLI's --base-interpretation.", json_schema_extra=READING_SWITCHES)
    parameters: Optional[str] = Field(default=None, description=PARAMETERS_HELP)


class ReachRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    declaration: Union[Declaration, str] = Field(description=DECLARATION_HELP)
    clause: str = Field(max_length=200, description="The clause to reach, e.g. art3.output_growth (as --reach).")
    vary: list[str] = Field(default_factory=list, description="Only these declared numbers (field paths), as --vary.")
    interpretations: list[str] = Field(default_factory=list, description=INTERPRETATIONS_HELP,
                                       json_schema_extra=READING_SWITCHES)
    parameters: Optional[str] = Field(default=None, description=PARAMETERS_HELP)


class BatchOptions(BaseModel):
    """An optional first line of a batch body."""

    model_config = ConfigDict(extra="forbid")

    schema_: str = Field(alias="schema", description="pinggu-batch-options/1")
    interpretations: list[str] = Field(default_factory=list, description=INTERPRETATIONS_HELP)
    parameters: Optional[str] = Field(default=None, description=PARAMETERS_HELP)


class ErrorItem(BaseModel):
    field: str = Field(description="The field the error is about: declaration.<path>, a request field, or body.")
    message: str


class ErrorBody(BaseModel):
    errors: list[ErrorItem]


class Health(BaseModel):
    status: str
    package: str
    clingo: str
    interpretations: list[str] = Field(description="The reading switches this service accepts.")


REF_TEMPLATE = "#/components/schemas/{model}"


def request_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON schema of a request model for OpenAPI, and the definitions it refers to."""
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    definitions = schema.pop("$defs", {})
    return schema, definitions
