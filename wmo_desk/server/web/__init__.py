"""The regional office's web part of the server: server-rendered pages under /regio."""

from wmo_desk.server.web import experience, meldpunt
from wmo_desk.server.web.pages import router

router.include_router(meldpunt.router)
router.include_router(experience.router)

__all__ = ["router"]
