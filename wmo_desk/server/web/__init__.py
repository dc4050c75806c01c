"""The regional office's web part of the server: server-rendered pages under /regio."""

from wmo_desk.server.web.pages import router

__all__ = ["router"]
