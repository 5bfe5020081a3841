"""`farm cyclic …`: cyclic lists over the HTTP API (FARM_URL, FARM_KEY as the other ops
commands)."""

from __future__ import annotations

from typing import Any

import typer

from controller.ops_cli import ApiProblem, _call, _table

cyclic_app = typer.Typer(
    help="Cyclic lists: posts published at random in a daily window, each once a day.",
    no_args_is_help=True,
)


def _window(text: str) -> tuple[str, str]:
    start, sep, end = text.partition("-")
    if not sep or not start.strip() or not end.strip():
        raise ApiProblem(f"--window {text!r}: give it as HH:MM-HH:MM (e.g. 09:00-21:00)")
    return start.strip(), end.strip()


def _post_spec(text: str) -> dict[str, Any]:
    """`kind:media[,media…][:caption]` → a post body."""
    kind, sep, rest = text.partition(":")
    if not sep or not kind or not rest:
        raise ApiProblem(f"--post {text!r}: give it as kind:media[,media...][:caption]")
    media, _, caption = rest.partition(":")
    return {"kind": kind, "media": [m for m in media.split(",") if m], "caption": caption}


def _summary(lst: dict[str, Any]) -> None:
    state = lst["state"] + (f" ({lst['pause_reason']})" if lst["pause_reason"] else "")
    typer.echo(
        f"list {lst['id']} {lst['name']!r} on {lst['account']}: {state}; "
        f"{lst['posts_per_day']} a day between {lst['window_start']} and {lst['window_end']} "
        f"{lst['timezone']}, {lst['start_date']} to {lst['end_date']}, {len(lst['posts'])} posts"
    )
    if lst["pause_detail"]:
        typer.echo(f"paused: {lst['pause_detail']}")


def _jobs(jobs: list[dict[str, Any]]) -> None:
    _table(
        [[j["job_id"], j["day"], j["scheduled_at"], j["post_id"], j["state"]] for j in jobs],
        ["job", "day", "at (account's zone)", "post", "state"],
    )


@cyclic_app.command("list")
def cyclic_list(account: str | None = typer.Option(None, help="only this account's")) -> None:
    """Every list with its state, why it is paused, and its next job."""
    params = {"account": account} if account else {}
    rows = []
    for lst in _call("GET", "/v1/cyclic-lists", params=params).json():
        upcoming = lst["next_jobs"][0]["scheduled_at"] if lst["next_jobs"] else ""
        rows.append(
            [
                lst["id"],
                lst["name"],
                lst["account"],
                f"{lst['window_start']}-{lst['window_end']}",
                lst["posts_per_day"],
                len(lst["posts"]),
                f"{lst['start_date']}..{lst['end_date']}",
                lst["state"],
                lst["pause_reason"],
                upcoming,
            ]
        )
    _table(
        rows,
        ["list", "name", "account", "window", "a day", "posts", "period", "state", "why", "next"],
    )


@cyclic_app.command("show")
def cyclic_show(list_id: int) -> None:
    """A list's settings, posts and planned jobs."""
    lst = _call("GET", f"/v1/cyclic-lists/{list_id}").json()
    _summary(lst)
    _table(
        [[p["id"], p["kind"], len(p["media"]), p["caption"][:40]] for p in lst["posts"]],
        ["post", "kind", "items", "caption"],
    )
    _jobs(lst["next_jobs"])


@cyclic_app.command("create")
def cyclic_create(
    account: str = typer.Option(..., help="the Instagram account"),
    name: str = typer.Option(..., help="a name for the list"),
    window: str = typer.Option(..., help="daily window in the account's zone, HH:MM-HH:MM"),
    per_day: int = typer.Option(..., "--per-day", help="posts a day"),
    start: str = typer.Option(..., "--from", help="first day, YYYY-MM-DD"),
    end: str = typer.Option(..., "--to", help="last day, YYYY-MM-DD"),
    post: list[str] = typer.Option(
        [], "--post", help="kind:media[,media...][:caption] (repeat; media ids from farm media)"
    ),
    seed: int | None = typer.Option(None, help="random source, for a reproducible plan"),
) -> None:
    """Create a list; it plans the rest of today and tomorrow at once."""
    window_start, window_end = _window(window)
    body: dict[str, Any] = {
        "account": account,
        "name": name,
        "window_start": window_start,
        "window_end": window_end,
        "posts_per_day": per_day,
        "start_date": start,
        "end_date": end,
        "posts": [_post_spec(p) for p in post],
    }
    if seed is not None:
        body["seed"] = seed
    lst = _call("POST", "/v1/cyclic-lists", json=body).json()
    _summary(lst)
    _jobs(lst["next_jobs"])


@cyclic_app.command("set")
def cyclic_set(
    list_id: int,
    name: str | None = typer.Option(None),
    window: str | None = typer.Option(None, help="HH:MM-HH:MM"),
    per_day: int | None = typer.Option(None, "--per-day"),
    start: str | None = typer.Option(None, "--from"),
    end: str | None = typer.Option(None, "--to"),
) -> None:
    """Change a list's settings; its unpublished jobs are planned again."""
    body: dict[str, Any] = {}
    if window is not None:
        body["window_start"], body["window_end"] = _window(window)
    for key, value in (
        ("name", name),
        ("posts_per_day", per_day),
        ("start_date", start),
        ("end_date", end),
    ):
        if value is not None:
            body[key] = value
    if not body:
        raise ApiProblem("nothing to change: give --name, --window, --per-day, --from or --to")
    _summary(_call("PATCH", f"/v1/cyclic-lists/{list_id}", json=body).json())


@cyclic_app.command("add-post")
def cyclic_add_post(
    list_id: int,
    kind: str = typer.Option(..., help="feed, carousel, story or reel"),
    media: list[str] = typer.Option(..., help="media id (repeat for a carousel)"),
    caption: str = typer.Option("", help="caption (none for a story)"),
) -> None:
    """Add a post (checked like a job); the list re-plans."""
    body = {"kind": kind, "media": media, "caption": caption}
    _summary(_call("POST", f"/v1/cyclic-lists/{list_id}/posts", json=body).json())


@cyclic_app.command("edit-post")
def cyclic_edit_post(
    list_id: int,
    post_id: int,
    caption: str | None = typer.Option(None, help="new caption"),
    media: list[str] = typer.Option([], help="new media id(s), replacing the old"),
    fit: str | None = typer.Option(None, help="pad or crop"),
) -> None:
    """Change a post; the list's unpublished jobs are planned again with it."""
    body: dict[str, Any] = {}
    if caption is not None:
        body["caption"] = caption
    if media:
        body["media"] = media
    if fit is not None:
        body["fit"] = fit
    if not body:
        raise ApiProblem("nothing to change: give --caption, --media or --fit")
    _summary(_call("PATCH", f"/v1/cyclic-lists/{list_id}/posts/{post_id}", json=body).json())


@cyclic_app.command("remove-post")
def cyclic_remove_post(list_id: int, post_id: int) -> None:
    """Remove a post; its unpublished jobs go and the list re-plans."""
    _summary(_call("DELETE", f"/v1/cyclic-lists/{list_id}/posts/{post_id}").json())


@cyclic_app.command("pause")
def cyclic_pause(list_id: int) -> None:
    """Pause a list; its jobs not yet on a phone are cancelled."""
    _summary(_call("POST", f"/v1/cyclic-lists/{list_id}/pause").json())


@cyclic_app.command("resume")
def cyclic_resume(list_id: int) -> None:
    """Resume a paused list (refused while its pause reason holds) and plan it again."""
    lst = _call("POST", f"/v1/cyclic-lists/{list_id}/resume").json()
    _summary(lst)
    _jobs(lst["next_jobs"])


@cyclic_app.command("plan")
def cyclic_plan(
    list_id: int,
    day: str | None = typer.Option(None, help="a day of the account (default: its next day)"),
    run: bool = typer.Option(False, "--run", help="plan now first (idempotent)"),
) -> None:
    """The jobs planned for the account's next day, times in the account's zone."""
    if run:
        plan = _call("POST", f"/v1/cyclic-lists/{list_id}/plan").json()
    else:
        params = {"day": day} if day else {}
        plan = _call("GET", f"/v1/cyclic-lists/{list_id}/plan", params=params).json()
    state = plan["state"] + (f" ({plan['pause_reason']})" if plan["pause_reason"] else "")
    typer.echo(f"list {plan['list_id']}, {plan['day']} ({plan['timezone']}), {state}")
    _table(
        [
            [j["id"], j["scheduled_at"], j["kind"], j["state"], j["caption"][:40]]
            for j in plan["jobs"]
        ],
        ["job", "at", "kind", "state", "caption"],
    )


@cyclic_app.command("delete")
def cyclic_delete(list_id: int) -> None:
    """Delete a list; its jobs not yet on a phone are cancelled."""
    _call("DELETE", f"/v1/cyclic-lists/{list_id}")
    typer.echo(f"list {list_id} deleted")
