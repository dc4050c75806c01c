"""A search worked out in memory (while typing) finds exactly what the SQL query finds."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

from tests.storage.test_caseload_search import TEXTS
from wmo_desk.domain.caseload import CaseloadFilter, SortKey
from wmo_desk.domain.cases import Stage
from wmo_desk.storage.repositories.caseload import CaseloadRepository
from wmo_desk.storage.repositories.clients import ClientRepository
from wmo_desk.storage.tables import ClientRow

VARIANTS = [
    {},
    {"sort": SortKey.NAME},
    {"sort": SortKey.NAME, "descending": True},
    {"sort": SortKey.BSN, "descending": True},
    {"sort": SortKey.STAGE},
    {"sort": SortKey.CONSULTANT},
    {"sort": SortKey.MELDING, "descending": True},
    {"consultant_id": None, "include_closed": True},
    {"stage": Stage.AANVRAAG},
]


@pytest.fixture
def profile(tmp_path, clock):
    from wmo_desk.services.context import AppContext
    from wmo_desk.services.demo import fill_demo

    ctx = AppContext.open(tmp_path / "profile", clock)
    fill_demo(ctx, case_count=300)
    with ctx.db.session() as session:
        # names with accents, capitals and odd characters beside the demo's plain ones
        repo = ClientRepository(session)
        ids = session.scalars(select(ClientRow.id).order_by(ClientRow.bsn)).all()
        odd = [
            ("Öztürk", "", "Émile Çelik", "1234XY"),
            ("ÖZTÜRK", "van", "Zoë", "5341AB"),
            ("Jansen", "de", "İlknur", "5342KL"),
            ("D_J 50%", "", "Back\\slash", "9999ZZ"),
        ]
        for client_id, (surname, prefix, first, postcode) in zip(ids, odd, strict=False):
            client = repo.get(client_id)
            repo.save(
                replace(
                    client,
                    surname=surname,
                    prefix=prefix,
                    first_names=first,
                    address=replace(client.address, postcode=postcode),
                )
            )
        # a writer that bypasses the repository (the sync's apply) may store capitals
        session.execute(
            update(ClientRow)
            .where(ClientRow.id.in_(ids[4:6]))
            .values(search_text=func.upper(ClientRow.search_text), postcode="5341ab")
        )
        session.execute(
            update(ClientRow).where(ClientRow.id == ids[6]).values(search_text="ÖZTÜRK ÉMILE Zoë")
        )
    yield ctx
    ctx.close()


def _random_texts(session, rng: random.Random, count: int) -> list[str]:
    """Fragments of real names, BSNs and postcodes, typed in every way a user might."""
    rows = session.execute(select(ClientRow.search_text, ClientRow.bsn, ClientRow.postcode)).all()
    texts = []
    for _ in range(count):
        name, bsn, postcode = rng.choice(rows)
        kind = rng.randrange(6)
        if kind == 0:  # part of a BSN, maybe with spaces
            start = rng.randrange(9)
            text = bsn[start : start + rng.randint(1, 9)]
            if rng.random() < 0.3:
                text = " ".join(text[i : i + 3] for i in range(0, len(text), 3))
        elif kind == 1:  # a postcode, with or without space and letters, any case
            text = postcode[: rng.randint(1, 6)]
            if len(text) > 4 and rng.random() < 0.5:
                text = text[:4] + " " + text[4:]
            text = text.lower() if rng.random() < 0.5 else text
        elif kind == 2:  # one or several name words, short or long
            words = name.split()
            text = " ".join(
                w[rng.randrange(len(w)) :][: rng.randint(1, 6)]
                for w in rng.sample(words, rng.randint(1, min(3, len(words))))
            )
        elif kind == 3:  # a name word in capitals or with its accents changed
            word = rng.choice(name.split())
            text = rng.choice([word.upper(), word.title(), word.replace("e", "é")])
        elif kind == 4:  # anything at all
            text = "".join(rng.choice("aeijnosz 0159%_\\.öÖéÉ-'") for _ in range(rng.randint(1, 5)))
        else:  # digits that are also a postcode, and words with digits
            text = rng.choice([postcode[:4], f"{postcode[:4]} {name[:1]}", bsn[:4] + "a"])
        texts.append(rng.choice(["", " "]) + text + rng.choice(["", " ", "  "]))
    return texts


def test_kept_lists_find_what_the_query_finds_for_many_texts(profile):
    base = CaseloadFilter(
        municipality_code=profile.profile.municipality_code, consultant_id=profile.profile.user.id
    )
    with profile.db.session() as session:
        rng = random.Random(14)
        texts = TEXTS + _random_texts(session, rng, 300)
        # typed character by character: each text refines the one before it
        for text in _random_texts(session, rng, 60):
            texts.extend(text[: i + 1] for i in range(len(text)))
    service = profile.caseload
    checked = found = 0
    with profile.db.session() as session:
        repo = CaseloadRepository(session)
        for variant in VARIANTS:
            flt = replace(base, **variant)
            service.case_ids(flt)  # the list as a reload reads it; the texts refine it
            for text in texts:
                searched = replace(flt, text=text)
                in_memory = service.case_ids(searched, fresh=False)
                assert in_memory == repo.case_ids(searched), (text, variant)
                checked += 1
                found += len(in_memory)
    assert checked == len(VARIANTS) * len(texts) and found > 0


def test_typing_a_text_and_back_gives_each_step_s_own_result(profile):
    base = CaseloadFilter(municipality_code=profile.profile.municipality_code)
    typed = "jansen de"
    steps = [typed[: i + 1] for i in range(len(typed))]
    with profile.db.session() as session:
        repo = CaseloadRepository(session)
        expected = {t: repo.case_ids(replace(base, text=t)) for t in [*steps, ""]}
    assert expected["jansen"], "the demo has a Jansen"
    for text in [*steps, *reversed(steps[:-1]), ""]:
        assert profile.caseload.case_ids(replace(base, text=text), fresh=False) == expected[text]


def test_a_fresh_read_sees_a_renamed_client_and_a_kept_one_is_dropped(profile):
    base = CaseloadFilter(municipality_code=profile.profile.municipality_code, text="zwaluw")
    assert profile.caseload.case_ids(base, fresh=False) == []
    with profile.db.session() as session:
        client_id = session.scalars(select(ClientRow.id).order_by(ClientRow.bsn.desc())).first()
        repo = ClientRepository(session)
        repo.save(replace(repo.get(client_id), surname="Zwaluw"))
    found = profile.caseload.case_ids(base)  # a reload after the change
    assert len(found) >= 1
    assert profile.caseload.case_ids(base, fresh=False) == found
    with profile.db.session() as session:
        assert CaseloadRepository(session).case_ids(base) == found


def test_search_fields_read_in_the_background_are_dropped_when_data_changes(profile):
    service = profile.caseload
    base = CaseloadFilter(municipality_code=profile.profile.municipality_code)
    service.case_ids(base)
    service.prepare_search(base)
    service.prepare_search(base)  # already under way: no second read
    with profile.db.session() as session:
        client_id = session.scalars(select(ClientRow.id).order_by(ClientRow.bsn)).first()
        repo = ClientRepository(session)
        repo.save(replace(repo.get(client_id), surname="Merel"))
    service.forget()  # what a fresh read does first: the read under way may predate the change
    service.prepare_search(base)
    searched = replace(base, text="merel")
    found = service.case_ids(searched, fresh=False)
    with profile.db.session() as session:
        assert found == CaseloadRepository(session).case_ids(searched)
    assert found
