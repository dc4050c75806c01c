"""Invented demo data: municipality Oss in BNO-O, a consultant, a team lead, cases in every stage.

Everything here is fictitious. BSNs come from the 99999xxxx range that the RvIG keeps for
testing and pass the elfproef; names are common Dutch names combined at random.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from wmo_desk.domain.cases import (
    Case,
    CaseEvent,
    Channel,
    CloseReason,
    EventKind,
    Reporter,
    Stage,
    close_case,
    move_to_stage,
    put_on_hold,
)
from wmo_desk.domain.clients import Address, Client, Sex
from wmo_desk.domain.users import Role, User
from wmo_desk.services.context import AppContext
from wmo_desk.storage.repositories.cases import CaseRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.repositories.users import UserRepository

DEMO_REGION = "BNO-O"
DEMO_MUNICIPALITY = "0828"  # Oss
CONSULTANT_NAME = "Sanne de Wit"
TEAMLEAD_NAME = "Ruud Verhoeven"

_SURNAMES = [
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("", "Bakker"),
    ("van", "Dijk"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("de", "Graaf"),
    ("van der", "Meer"),
    ("van der", "Linden"),
    ("", "Kok"),
    ("", "Jacobs"),
    ("de", "Haan"),
    ("", "Vermeulen"),
    ("van den", "Heuvel"),
    ("van de", "Ven"),
]
_FIRST = [
    "Maria",
    "Johannes",
    "Anna",
    "Cornelis",
    "Wilhelmina",
    "Hendrik",
    "Petronella",
    "Gerardus",
    "Johanna",
    "Adrianus",
    "Elisabeth",
    "Theodorus",
    "Cornelia",
    "Martinus",
]
_STREETS = [
    ("Kruisstraat", "5341"),
    ("Molenstraat", "5341"),
    ("Heuvel", "5341"),
    ("Oostwal", "5341"),
    ("Begijnenstraat", "5341"),
    ("Kortfoort", "5342"),
    ("Berghemseweg", "5348"),
    ("Oijenseweg", "5346"),
    ("Graafsebaan", "5348"),
    ("Schadewijkstraat", "5342"),
    ("Vierhoeksingel", "5345"),
    ("Megensebaan", "5346"),
]
_REQUESTS = [
    "Ik kan het huishouden niet meer zelf bijhouden sinds mijn heupoperatie.",
    "Mijn man heeft dementie en ik ben als mantelzorger overbelast. Ik wil graag dagbesteding voor hem.",
    "Ik heb moeite met mijn administratie en post; er liggen rekeningen open.",
    "Na mijn hersenbloeding kom ik de dag niet goed door en zit ik veel alleen thuis.",
    "Mijn zoon (22, autisme) woont nog thuis en heeft begeleiding nodig om zelfstandig te wonen.",
    "Ik wil graag een paar dagen per maand logeeropvang voor mijn moeder, zodat ik even op adem kan komen.",
    "Ik voel me eenzaam en wil graag weer iets om handen hebben overdag.",
]
_PLAN = [
    (Stage.MELDING, 5),
    (Stage.ONDERZOEK, 7),
    (Stage.VERSLAG, 3),
    (Stage.AANVRAAG, 5),
    (Stage.BESLUIT, 3),
    (Stage.LEVERING, 3),
    (Stage.EVALUATIE, 1),
    (Stage.AFGESLOTEN, 3),
]
#: Days since the melding per stage, so the demo always shows terms that are overdue (onderzoek
#: after 47 days), due within days, and comfortably ahead.
_MELDING_AGES = {Stage.MELDING: (1, 3, 6, 2, 9), Stage.ONDERZOEK: (47, 39, 30, 22, 15, 40, 10)}
#: Days since the aanvraag: 17 is overdue (2 weeks), 11 and 12 are due within 5 days.
_AANVRAAG_AGES = (17, 11, 12, 3, 6)
_PATH = [
    Stage.ONDERZOEK,
    Stage.VERSLAG,
    Stage.AANVRAAG,
    Stage.BESLUIT,
    Stage.LEVERING,
    Stage.EVALUATIE,
]


def demo_bsn(n: int) -> str:
    """The ``n``-th valid BSN in the RvIG test range 99999xxxx (obviously fictitious)."""
    found = -1
    for candidate in range(999990000, 1000000000):
        digits = str(candidate)
        total = sum(w * int(d) for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2, -1), digits, strict=True))
        if total % 11 == 0:
            found += 1
            if found == n:
                return digits
    raise ValueError("demo BSN range exhausted")


def demo_client(rng: random.Random, bsn: str) -> Client:
    prefix, surname = rng.choice(_SURNAMES)
    first = rng.choice(_FIRST)
    street, pc4 = rng.choice(_STREETS)
    letters = rng.choice(["AA", "AB", "BC", "CD", "EG", "HK", "KL", "MN", "PR", "TV"])
    return Client(
        bsn=bsn,
        initials=f"{first[0]}.",
        first_names=first,
        prefix=prefix,
        surname=surname,
        birth_date=date(rng.randint(1935, 2003), rng.randint(1, 12), rng.randint(1, 28)),
        sex=Sex.VROUW if first[-1] in "ae" else Sex.MAN,
        address=Address(
            street=street, house_number=rng.randint(1, 180), postcode=pc4 + letters, place="Oss"
        ),
        municipality_code=DEMO_MUNICIPALITY,
        phone=f"06-{rng.randint(10000000, 99999999)}",
    )


def fill_demo(ctx: AppContext, case_count: int = 30, seed: int = 2015) -> None:
    """Set up ``ctx`` as the demo profile and add ``case_count`` cases over every stage."""
    choice = next(c for c in ctx.region_choices() if c.code == DEMO_REGION)
    profile = ctx.profiles.set_up(choice, DEMO_MUNICIPALITY, CONSULTANT_NAME, Role.CONSULENT)
    ctx.profiles.mark_demo()
    profile = replace(profile, demo=True)
    teamlead = User(name=TEAMLEAD_NAME, role=Role.TEAMLEIDER, municipality_code=DEMO_MUNICIPALITY)
    ctx.activate(profile)
    rng = random.Random(seed)
    today = ctx.clock.today()
    consultant = profile.user
    actor = (consultant.id, consultant.name)
    plan = [stage for stage, count in _PLAN for _ in range(count)]
    plan += [Stage.ONDERZOEK] * max(0, case_count - len(plan))
    with ctx.db.session() as session:
        UserRepository(session).add(teamlead)
        clients, cases = ClientRepository(session), CaseRepository(session)
        for i, stage in enumerate(plan[:case_count]):
            client = demo_client(rng, demo_bsn(i))
            clients.save(client)
            nth = plan[:i].count(stage)
            if stage in _MELDING_AGES:
                ages = _MELDING_AGES[stage]
                melding = today - timedelta(days=ages[nth % len(ages)])
            else:
                melding = today - timedelta(days=rng.randint(40, 200))
            case = Case(
                client_id=client.id,
                municipality_code=DEMO_MUNICIPALITY,
                consultant_id=consultant.id,
                melding_date=melding,
                reported_by=rng.choice(list(Reporter)),
                channel=rng.choice(list(Channel)),
                request_text=rng.choice(_REQUESTS),
            )
            events = [
                CaseEvent(
                    case_id=case.id,
                    kind=EventKind.CREATED,
                    text="Melding geregistreerd",
                    actor_id=consultant.id,
                    actor_name=consultant.name,
                    at=_at(melding),
                )
            ]
            case, events = _walk_to(case, stage, melding, today, rng, actor, events)
            if i in (6, 9):  # two cases in onderzoek are on hold
                case, event = put_on_hold(
                    case, today - timedelta(days=4), "Cliënt is opgenomen in het ziekenhuis", actor
                )
                events.append(replace(event, at=_at(today - timedelta(days=4))))
            cases.save(case, today, tuple(events))


def _at(day: date) -> datetime:
    """A plausible office time on ``day`` for demo timeline entries."""
    return datetime.combine(day, time(10, 30), tzinfo=UTC)


def _walk_to(
    case: Case,
    stage: Stage,
    melding: date,
    today: date,
    rng: random.Random,
    actor: tuple[str, str],
    events: list[CaseEvent],
) -> tuple[Case, list[CaseEvent]]:
    if stage is Stage.AFGESLOTEN:
        on = min(today, melding + timedelta(days=rng.randint(5, 30)))
        reason = rng.choice(
            [
                CloseReason.INGETROKKEN,
                CloseReason.ALGEMENE_VOORZIENING,
                CloseReason.GEEN_ONDERSTEUNING,
            ]
        )
        case, event = close_case(case, reason, on, "", actor)
        return case, [*events, replace(event, at=_at(on))]
    day = melding
    for step in _PATH[: _PATH.index(stage) + 1] if stage in _PATH else []:
        gap = rng.randint(3, 12) if step is not Stage.BESLUIT else rng.randint(2, 12)
        if step is Stage.AANVRAAG and stage is Stage.AANVRAAG:
            day = max(
                melding, today - timedelta(days=_AANVRAAG_AGES[rng.randrange(len(_AANVRAAG_AGES))])
            )
        else:
            day = min(today, day + timedelta(days=gap))
        day = max(day, melding)
        case, event = move_to_stage(case, step, day, actor)
        events.append(replace(event, at=_at(day)))
    return case, events
