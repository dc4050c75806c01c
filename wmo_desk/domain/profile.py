"""The profile: which region, municipality and user this installation works for."""

from __future__ import annotations

from dataclasses import dataclass

from wmo_desk.domain.users import User

#: the settings key that marks the throwaway demo profile
DEMO_KEY = "demo_profile"


@dataclass(frozen=True)
class Profile:
    """Who is working, for which municipality in which region."""

    region_code: str
    municipality_code: str
    user: User
    #: the throwaway demo profile: invented data, no server, a local switch of user
    demo: bool = False
