"""The shipped cliëntervaring questionnaire: the ten CEO Wmo questions and the five of the region,
on the CEO's agreement scale, every answer a choice (so it can go to the region anonymously)."""

from wmo_desk.domain.evaluations import ANONYMOUS_TYPES, FORM_ID, anonymous_answers
from wmo_desk.formdefs.loader import available_forms, latest, load_form, main
from wmo_desk.paths import forms_dir

SHIPPED = forms_dir() / "clientervaring-2026.1.yaml"
SCALE = [
    ("helemaal_eens", "Helemaal mee eens"),
    ("eens", "Mee eens"),
    ("neutraal", "Neutraal"),
    ("oneens", "Niet mee eens"),
    ("helemaal_oneens", "Helemaal niet mee eens"),
    ("weet_niet", "Weet niet / n.v.t."),
]
#: the CEO Wmo's mandatory questions as the issue words them
CEO = {
    "ceo.1": "Ik voelde me bij het contact met de gemeente serieus genomen.",
    "ceo.2": "De medewerker luisterde naar mij.",
    "ceo.3": "Ik werd snel geholpen.",
    "ceo.4": "De medewerker en ik hebben samen naar oplossingen gezocht.",
    "ceo.5": "Ik vind de kwaliteit van de ondersteuning goed.",
    "ceo.6": "Door de ondersteuning kan ik beter de dingen doen die ik wil.",
    "ceo.7": "Door de ondersteuning kan ik mij beter redden.",
    "ceo.8": "Door de ondersteuning heb ik een betere kwaliteit van leven.",
}


def test_the_questionnaire_has_the_ten_ceo_and_five_regional_questions():
    form = load_form(SHIPPED)
    assert (form.form_id, form.version) == (FORM_ID, "2026.1")
    ids = [q.id for s in form.sections for q in s.questions]
    assert sorted(i for i in ids if i.startswith("ceo.")) == sorted(
        f"ceo.{n}" for n in range(1, 11)
    )
    assert [i for i in ids if i.startswith("regio.")] == [
        "regio.vorm",
        "regio.organisatie",
        "regio.netwerk",
        "regio.eigen_bijdrage",
        "regio.aanwezig",
    ]
    for question_id, label in CEO.items():
        assert form.question(question_id).label == label


def test_every_answer_is_a_choice_on_the_ceo_scale():
    form = load_form(SHIPPED)
    for section in form.sections:
        for q in section.questions:
            assert q.type in ANONYMOUS_TYPES, q.id
            assert not q.required, q.id  # a client may leave any question out
            if q.id != "regio.aanwezig":
                assert list(q.options) == SCALE, q.id
    present = [v for v, _ in form.question("regio.aanwezig").options]
    assert present[-1] == "weet_niet" and len(present) == 5
    # every answer the form allows goes out as it is; nothing else does
    given = {q.id: q.options[0][0] for s in form.sections for q in s.questions}
    assert anonymous_answers(form, {**given, "notitie": "Mevrouw Jansen"}) == given


def test_it_is_offered_beside_the_conversation_and_passes_the_check(capsys):
    forms, errors = available_forms(forms_dir())
    assert errors == []
    assert latest(forms, FORM_ID).source == SHIPPED.name
    assert latest(forms, "keukentafelgesprek") is not None
    assert main([str(SHIPPED)]) == 0
    assert "15 vragen" in capsys.readouterr().out
