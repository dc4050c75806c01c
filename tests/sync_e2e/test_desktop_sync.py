"""Two desktops and a server: what one consultant records reaches the team lead, and back."""

from __future__ import annotations


def test_a_consultants_demo_caseload_reaches_the_team_lead(desktops, server):
    sanne = desktops.open("sanne", demo=True)
    desktops.sign_in(sanne, "sanne")
    assert sanne.sync.status().pending > 0
    report = sanne.sync.sync()
    assert report.refused == 0 and report.new_conflicts == 0
    assert sanne.sync.status().pending == 0
    assert len(server.records("case")) == 30

    ruud = desktops.open("ruud", role="teamleider", user="Ruud Verhoeven")
    desktops.sign_in(ruud, "ruud")
    ruud.sync.sync()
    assert ruud.sync.status().pending == 0
    # the team lead's Team view lists Sanne's 30 cases under her server identity
    users = {u.name: u.id for u in ruud.profiles.users()}
    assert users["Sanne de Wit"] == sanne.profile.user.id
