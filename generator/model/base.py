"""What every model of a plan shares: unknown keys refused, one paragraph or several."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


def _as_list(value: Any) -> Any:
    """Accept one paragraph as a plain string, several as a list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


#: One or more paragraphs.
Paragraphs = Annotated[list[str], BeforeValidator(_as_list, json_schema_input_type=str | list[str])]


class KhModel(BaseModel):
    """Base: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_default=True)
