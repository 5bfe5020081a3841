"""`/dashboard`: the URL `farm up` printed before the console existed; it serves the console
(controller/routes/console.py), which reads the JSON API with the key the user pastes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from controller.routes.console import console_page

router = APIRouter()


@router.get("/dashboard", include_in_schema=False)
def dashboard() -> FileResponse:
    """The ops console, under its old address."""
    return console_page()
