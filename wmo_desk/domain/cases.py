"""A case (melding) and its process: stages, allowed transitions, holds and closing."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from wmo_desk.domain.dates import nl_date
from wmo_desk.domain.errors import UserError
from wmo_desk.domain.identifiers import new_id, utcnow


class Stage(StrEnum):
    """Where a case is in the Wmo process (DOMAIN.md §2)."""

    MELDING = "melding"
    ONDERZOEK = "onderzoek"
    VERSLAG = "verslag"
    AANVRAAG = "aanvraag"
    BESLOTEN = "besloten"
    BESLUIT = "besluit"
    LEVERING = "levering"
    EVALUATIE = "evaluatie"
    AFGESLOTEN = "afgesloten"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.MELDING: "Melding",
    Stage.ONDERZOEK: "Onderzoek",
    Stage.VERSLAG: "Verslag bij cliënt",
    Stage.AANVRAAG: "Aanvraag, besluit in voorbereiding",
    Stage.BESLOTEN: "Besluit genomen, beschikking nog niet verzonden",
    Stage.BESLUIT: "Beschikking verzonden",
    Stage.LEVERING: "Ondersteuning geleverd",
    Stage.EVALUATIE: "Evaluatie / herindicatie",
    Stage.AFGESLOTEN: "Afgesloten",
}

#: Forward steps of the process, plus the few steps back a consultant really takes
#: (a client who does not sign the verslag, a re-assessment that needs a new onderzoek).
#: *Besloten* is entered by the team lead's approval (:func:`record_decision`), not by hand.
TRANSITIONS: dict[Stage, tuple[Stage, ...]] = {
    Stage.MELDING: (Stage.ONDERZOEK,),
    Stage.ONDERZOEK: (Stage.VERSLAG,),
    Stage.VERSLAG: (Stage.AANVRAAG, Stage.ONDERZOEK),
    Stage.AANVRAAG: (Stage.BESLUIT, Stage.ONDERZOEK),
    Stage.BESLOTEN: (Stage.BESLUIT,),
    Stage.BESLUIT: (Stage.LEVERING,),
    Stage.LEVERING: (Stage.EVALUATIE,),
    Stage.EVALUATIE: (Stage.ONDERZOEK,),
    Stage.AFGESLOTEN: (),
}


class CloseReason(StrEnum):
    """Why a case was closed."""

    INGETROKKEN = "ingetrokken"
    GEEN_ONDERSTEUNING = "geen_ondersteuning"
    ALGEMENE_VOORZIENING = "algemene_voorziening"
    ANDER_DOMEIN = "ander_domein"
    AFGEWEZEN = "afgewezen"
    DOEL_BEREIKT = "doel_bereikt"
    VERHUISD = "verhuisd"
    OVERLEDEN = "overleden"

    @property
    def label(self) -> str:
        return CLOSE_REASON_LABELS[self]


CLOSE_REASON_LABELS: dict[CloseReason, str] = {
    CloseReason.INGETROKKEN: "Melding ingetrokken door cliënt",
    CloseReason.GEEN_ONDERSTEUNING: "Geen ondersteuning nodig",
    CloseReason.ALGEMENE_VOORZIENING: "Verwezen naar een algemene voorziening",
    CloseReason.ANDER_DOMEIN: "Verwezen naar ander domein (Zvw, Wlz, Jeugdwet)",
    CloseReason.AFGEWEZEN: "Aanvraag afgewezen",
    CloseReason.DOEL_BEREIKT: "Ondersteuning beëindigd, resultaat bereikt",
    CloseReason.VERHUISD: "Cliënt verhuisd naar andere gemeente",
    CloseReason.OVERLEDEN: "Cliënt overleden",
}


class Reporter(StrEnum):
    """Who made the melding."""

    CLIENT = "client"
    FAMILIE = "familie"
    MANTELZORGER = "mantelzorger"
    HUISARTS = "huisarts"
    WIJKTEAM = "wijkteam"
    ZORGAANBIEDER = "zorgaanbieder"
    ANDERS = "anders"

    @property
    def label(self) -> str:
        return {
            "client": "Cliënt zelf",
            "familie": "Familielid",
            "mantelzorger": "Mantelzorger",
            "huisarts": "Huisarts",
            "wijkteam": "Wijkteam / sociaal team",
            "zorgaanbieder": "Zorgaanbieder",
            "anders": "Anders",
        }[self.value]


class Channel(StrEnum):
    """How the melding came in."""

    TELEFOON = "telefoon"
    EMAIL = "email"
    BALIE = "balie"
    BRIEF = "brief"
    WEBFORMULIER = "webformulier"

    @property
    def label(self) -> str:
        return {
            "telefoon": "Telefonisch",
            "email": "Per e-mail",
            "balie": "Aan de balie",
            "brief": "Per brief",
            "webformulier": "Digitaal formulier",
        }[self.value]


@dataclass(frozen=True)
class HoldPeriod:
    """A pause (opschorting) agreed with the client; ``end`` is None while it lasts."""

    start: date
    reason: str
    end: date | None = None

    def days(self, today: date) -> int:
        """Calendar days the hold lasted (or lasts so far)."""
        return max(0, ((self.end or today) - self.start).days)


@dataclass(frozen=True)
class Case:
    """A melding and everything that follows from it, for one client."""

    client_id: str
    municipality_code: str
    consultant_id: str
    melding_date: date
    reported_by: Reporter
    channel: Channel
    request_text: str
    stage: Stage = Stage.MELDING
    aanvraag_date: date | None = None
    #: in *besloten* the day the decision was taken, from *besluit* on the day it was sent
    decision_sent_date: date | None = None
    holds: tuple[HoldPeriod, ...] = ()
    close_reason: CloseReason | None = None
    close_note: str = ""
    closed_date: date | None = None
    id: str = field(default_factory=new_id)
    created_at: datetime = field(default_factory=utcnow)
    modified_at: datetime = field(default_factory=utcnow)

    @property
    def is_closed(self) -> bool:
        return self.stage is Stage.AFGESLOTEN

    @property
    def current_hold(self) -> HoldPeriod | None:
        """The hold that is running now, if any."""
        return self.holds[-1] if self.holds and self.holds[-1].end is None else None

    @property
    def is_on_hold(self) -> bool:
        return self.current_hold is not None

    @property
    def decided_date(self) -> date | None:
        """The day the decision was taken, while the beschikking waits to be sent."""
        return self.decision_sent_date if self.stage is Stage.BESLOTEN else None


class EventKind(StrEnum):
    """What kind of thing a timeline entry records."""

    CREATED = "created"
    STAGE = "stage"
    HOLD = "hold"
    RESUME = "resume"
    CLOSED = "closed"
    NOTE = "note"
    ASSIGNED = "assigned"


@dataclass(frozen=True)
class CaseEvent:
    """One line on a case's timeline: what happened, when, by whom."""

    case_id: str
    kind: EventKind
    text: str
    actor_id: str
    actor_name: str
    at: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=new_id)


def allowed_stages(case: Case) -> tuple[Stage, ...]:
    """The stages a case can move to now (closing is separate, see :func:`close_case`)."""
    if case.is_on_hold:
        return ()
    return TRANSITIONS[case.stage]


def _event(case: Case, kind: EventKind, text: str, actor: tuple[str, str]) -> CaseEvent:
    return CaseEvent(case_id=case.id, kind=kind, text=text, actor_id=actor[0], actor_name=actor[1])


def move_to_stage(
    case: Case, target: Stage, on: date, actor: tuple[str, str]
) -> tuple[Case, CaseEvent]:
    """Move ``case`` to ``target`` on date ``on``; returns the new case and its timeline entry.

    Entering *aanvraag* records ``on`` as the date of the aanvraag (the client signed the
    verslag): the two-week decision term starts. Entering *besluit* records the date the
    beschikking was sent: the six-week bezwaar term starts.

    Raises:
        UserError: the step is not part of the process, the case is on hold, or the
            date lies before the melding.
    """
    if case.is_closed:
        raise UserError("Dossier is afgesloten", "Een afgesloten dossier kan niet meer veranderen.")
    if case.is_on_hold:
        raise UserError(
            "Dossier is opgeschort",
            "Hervat het dossier eerst voordat u naar een volgende fase gaat.",
        )
    if target not in TRANSITIONS[case.stage]:
        raise UserError(
            "Deze stap kan niet",
            f"Van '{case.stage.label}' kan een dossier niet naar '{target.label}'.",
        )
    if on < case.melding_date:
        raise UserError("Ongeldige datum", "De datum ligt vóór de datum van de melding.")
    changes: dict[str, object] = {"stage": target, "modified_at": utcnow()}
    if target is Stage.AANVRAAG:
        changes["aanvraag_date"] = on
    elif target is Stage.BESLUIT:
        if case.aanvraag_date and on < case.aanvraag_date:
            raise UserError(
                "Ongeldige datum", "De beschikking kan niet vóór de aanvraag zijn verzonden."
            )
        if case.decided_date and on < case.decided_date:
            raise UserError(
                "Ongeldige datum", "De beschikking kan niet vóór het besluit zijn verzonden."
            )
        changes["decision_sent_date"] = on
    elif target is Stage.ONDERZOEK and case.stage is not Stage.MELDING:
        # Back to onderzoek (re-assessment or a verslag that was not signed): a new aanvraag follows.
        changes["aanvraag_date"] = None
    new = replace(case, **changes)  # type: ignore[arg-type]
    text = f"Fase gewijzigd: {case.stage.label} → {target.label} (per {nl_date(on)})"
    return new, _event(case, EventKind.STAGE, text, actor)


def record_decision(
    case: Case, on: date, kenmerk: str, actor: tuple[str, str]
) -> tuple[Case, CaseEvent | None]:
    """The team lead approved the decision on ``on``: the decision term is met (Wmo 2.3.5 is
    about deciding; sending follows), the case waits for the beschikking to be sent.

    Only a case in *aanvraag* moves (to *besloten*); a new decision in a later stage (a change
    during delivery) leaves the stage as it is and gives no event.
    """
    if case.stage is not Stage.AANVRAAG or case.is_on_hold:
        return case, None
    new = replace(case, stage=Stage.BESLOTEN, decision_sent_date=on, modified_at=utcnow())
    text = (
        f"Fase gewijzigd: {case.stage.label} → {Stage.BESLOTEN.label} "
        f"(besluit {kenmerk} op {nl_date(on)})"
    )
    return new, _event(case, EventKind.STAGE, text, actor)


def put_on_hold(
    case: Case, start: date, reason: str, actor: tuple[str, str]
) -> tuple[Case, CaseEvent]:
    """Pause the case from ``start`` for ``reason`` (with the client's consent)."""
    if case.is_closed:
        raise UserError(
            "Dossier is afgesloten", "Een afgesloten dossier kan niet worden opgeschort."
        )
    if case.is_on_hold:
        raise UserError("Al opgeschort", "Dit dossier is al opgeschort.")
    if not reason.strip():
        raise UserError("Reden ontbreekt", "Vul de reden van de opschorting in.")
    if start < case.melding_date:
        raise UserError("Ongeldige datum", "De opschorting kan niet vóór de melding beginnen.")
    if case.holds and case.holds[-1].end and start < case.holds[-1].end:
        raise UserError("Ongeldige datum", "De opschorting overlapt met een eerdere opschorting.")
    hold = HoldPeriod(start=start, reason=reason.strip())
    new = replace(case, holds=(*case.holds, hold), modified_at=utcnow())
    return new, _event(
        case, EventKind.HOLD, f"Opgeschort per {nl_date(start)}: {hold.reason}", actor
    )


def resume(case: Case, on: date, actor: tuple[str, str]) -> tuple[Case, CaseEvent]:
    """End the running hold on ``on``; the legal terms run again and are extended by the pause."""
    hold = case.current_hold
    if hold is None:
        raise UserError("Niet opgeschort", "Dit dossier is niet opgeschort.")
    if on < hold.start:
        raise UserError("Ongeldige datum", "Hervatten kan niet vóór het begin van de opschorting.")
    ended = replace(hold, end=on)
    new = replace(case, holds=(*case.holds[:-1], ended), modified_at=utcnow())
    days = ended.days(on)
    return new, _event(case, EventKind.RESUME, f"Hervat per {nl_date(on)} na {days} dagen", actor)


def close_case(
    case: Case, reason: CloseReason, on: date, note: str, actor: tuple[str, str]
) -> tuple[Case, CaseEvent]:
    """Close the case with ``reason``; a running hold ends on the same day."""
    if case.is_closed:
        raise UserError("Al afgesloten", "Dit dossier is al afgesloten.")
    if on < case.melding_date:
        raise UserError("Ongeldige datum", "Afsluiten kan niet vóór de datum van de melding.")
    holds = case.holds
    if case.current_hold is not None:
        holds = (*holds[:-1], replace(holds[-1], end=max(on, holds[-1].start)))
    new = replace(
        case,
        stage=Stage.AFGESLOTEN,
        close_reason=reason,
        close_note=note.strip(),
        closed_date=on,
        holds=holds,
        modified_at=utcnow(),
    )
    text = f"Afgesloten per {nl_date(on)}: {reason.label}"
    if note.strip():
        text += f" ({note.strip()})"
    return new, _event(case, EventKind.CLOSED, text, actor)


def reassign(
    case: Case, consultant: tuple[str, str], actor: tuple[str, str]
) -> tuple[Case, CaseEvent]:
    """Give the case to another consultant (a team lead's decision); the timeline says who and to whom."""
    if case.is_closed:
        raise UserError(
            "Dossier is afgesloten", "Een afgesloten dossier wordt niet meer toegewezen."
        )
    if consultant[0] == case.consultant_id:
        raise UserError("Zelfde consulent", "Dit dossier staat al op naam van deze consulent.")
    new = replace(case, consultant_id=consultant[0], modified_at=utcnow())
    return new, _event(case, EventKind.ASSIGNED, f"Toegewezen aan {consultant[1]}", actor)
