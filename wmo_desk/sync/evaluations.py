"""The evaluation protocol (desktop -> server): one anonymous cliëntervaring record and its receipt.

Kept apart from the record sync: an evaluation is sent once after its call was recorded
(``POST /api/v1/evaluations``, idempotent on its id). It carries no client, case, consultant,
name, BSN or free text, and no date finer than the year: the municipality, the product codes
and providers of the case's decision, the outcome and the answers chosen from the form's lists.
The server checks the answers against the form (``forms/<form_id>-<version>.yaml``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from wmo_desk.domain.evaluations import Outcome

__all__ = ["EvaluationIn", "EvaluationReceipt", "Outcome"]

MAX_ANSWERS = 100
MAX_CODES = 20
_QUESTION_ID = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.]{1,100}$")]
_ANSWER = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,60}$")]
_PRODUCT = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,5}$")]
# provider ids in the catalogues are slugs such as "bnoo-actief-zorg-b-v"
_PROVIDER = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]


class EvaluationIn(BaseModel):
    """An evaluation as the desktop sends it."""

    model_config = ConfigDict(extra="forbid")

    evaluation_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    year: int = Field(ge=2015, le=2100)
    outcome: Outcome
    form_id: str = Field(pattern=r"^[a-z0-9_-]{1,100}$")
    form_version: str = Field(pattern=r"^[0-9]{1,6}(\.[0-9]{1,6}){0,5}$")
    answers: dict[_QUESTION_ID, _ANSWER | bool] = Field(default_factory=dict)
    product_codes: list[_PRODUCT] = Field(default_factory=list, max_length=MAX_CODES)
    provider_ids: list[_PROVIDER] = Field(default_factory=list, max_length=MAX_CODES)

    @model_validator(mode="after")
    def _answers_only_when_answered(self) -> EvaluationIn:
        if len(self.answers) > MAX_ANSWERS:
            raise ValueError(f"Meer dan {MAX_ANSWERS} antwoorden.")
        if self.outcome is not Outcome.AFGEROND and self.answers:
            raise ValueError("Antwoorden horen alleen bij een afgeronde evaluatie.")
        return self


class EvaluationReceipt(BaseModel):
    """The server's answer: stored now, or already stored (``duplicate``)."""

    evaluation_id: uuid.UUID
    received_at: AwareDatetime
    duplicate: bool = False
