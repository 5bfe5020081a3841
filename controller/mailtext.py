"""What a notification says, in the subscriber's language (English, Spanish): its title, and
the text and HTML parts of its mail (one event, or a day's digest). Pure functions of the
event's data; controller/notifications.py stores the result, controller/mailer.py sends it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from farmcore.codes import FLOW_CODES, MEDIA_CODES
from flows.fixes import fix_for

LANGUAGES = ("en", "es")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "job.failed.title": "{account}: post #{job_id} could not be published ({code})",
        "job.unknown.title": "{account}: post #{job_id} may not have been published",
        "account.needs_auth.title": "{account}: the account needs attention ({state})",
        "job.failed.intro": (
            "The {kind} post #{job_id} for {account} could not be published (attempt {attempts})."
        ),
        "job.unknown.intro": (
            "The {kind} post #{job_id} for {account} was interrupted after Share, and checking "
            "the profile could not tell whether it went out."
        ),
        "account.needs_auth.intro": (
            "Publishing for {account} is on hold: the account is {state}. Its scheduled posts "
            "wait until it is re-authenticated."
        ),
        "job.failed.todo": (
            "Fix the cause below, then retry the post from the console (or edit it and retry)."
        ),
        "job.unknown.todo": (
            "Look at the account's profile. If the post is there, nothing to do. The farm keeps "
            "checking the profile before it would ever publish the post again."
        ),
        "account.needs_auth.todo": (
            "Fix it on the phone as said below, then re-authenticate the account: in the "
            "console, Accounts → Re-authenticate, or `farm accounts reauth {account}` (add "
            "`--login` to log in with the stored password, `--password-stdin` to set a new one)."
        ),
        "what_to_do": "What to do",
        "error": "Error",
        "meaning": "Meaning",
        "fix": "Fix",
        "reason": "Reason",
        "open_job": "Open the post in the console",
        "open_console": "Open the console",
        "footer": (
            "You receive this because the igfarm key “{key}” subscribed to these notifications. "
            "Change that in the console (Notifications) or with `farm notify set`."
        ),
        "digest.subject": "igfarm daily digest for {day}: {count} event(s)",
        "digest.intro": "What happened on {day} (UTC):",
        "state.needs_auth": "waiting to be re-authenticated",
        "state.challenge": "asked to confirm it is you",
        "state.disabled": "disabled by Instagram",
    },
    "es": {
        "job.failed.title": "{account}: no se pudo publicar la publicación #{job_id} ({code})",
        "job.unknown.title": "{account}: puede que la publicación #{job_id} no se haya publicado",
        "account.needs_auth.title": "{account}: la cuenta necesita atención ({state})",
        "job.failed.intro": (
            "La publicación #{job_id} ({kind}) de {account} no se pudo publicar "
            "(intento {attempts})."
        ),
        "job.unknown.intro": (
            "La publicación #{job_id} ({kind}) de {account} se interrumpió después de "
            "Compartir y la comprobación del perfil no pudo saber si salió."
        ),
        "account.needs_auth.intro": (
            "La publicación en {account} está en pausa: la cuenta está {state}. Sus publicaciones "
            "programadas esperan hasta que se vuelva a autenticar."
        ),
        "job.failed.todo": (
            "Corrige la causa indicada abajo y vuelve a intentar la publicación desde la consola "
            "(o edítala y reinténtala)."
        ),
        "job.unknown.todo": (
            "Mira el perfil de la cuenta. Si la publicación está, no hay nada que hacer. La granja "
            "vuelve a comprobar el perfil antes de publicarla otra vez."
        ),
        "account.needs_auth.todo": (
            "Resuélvelo en el teléfono como se indica abajo y vuelve a autenticar la cuenta: en "
            "la consola, Cuentas → Re-authenticate, o `farm accounts reauth {account}` (añade "
            "`--login` para iniciar sesión con la contraseña guardada, `--password-stdin` para "
            "poner una nueva)."
        ),
        "what_to_do": "Qué hacer",
        "error": "Error",
        "meaning": "Significado",
        "fix": "Solución",
        "reason": "Motivo",
        "open_job": "Abrir la publicación en la consola",
        "open_console": "Abrir la consola",
        "footer": (
            "Recibes esto porque la clave de igfarm «{key}» está suscrita a estas "
            "notificaciones. Cámbialo en la consola (Notifications) o con `farm notify set`."
        ),
        "digest.subject": "Resumen diario de igfarm del {day}: {count} evento(s)",
        "digest.intro": "Lo que pasó el {day} (UTC):",
        "state.needs_auth": "pendiente de volver a autenticarse",
        "state.challenge": "con una verificación de identidad pendiente",
        "state.disabled": "desactivada por Instagram",
    },
}

# the flow codes' meaning and fix in Spanish (English: farmcore/codes.py, flows/fixes.py)
MEANING_ES: dict[str, str] = {
    "auth_wrong_password": "Instagram rechazó la contraseña guardada",
    "auth_login_required": "la app no tiene la sesión iniciada en este teléfono",
    "auth_challenge_required": "Instagram pide confirmar que eres tú",
    "auth_two_factor_enabled": "el inicio de sesión en dos pasos está activado",
    "account_wrong_user": "la app tiene iniciada la sesión de otro usuario",
    "account_private": "la cuenta es privada",
    "account_too_few_posts": "la cuenta tiene menos de 5 publicaciones",
    "action_blocked": "Instagram restringe esta cuenta por ahora",
    "account_disabled": "Instagram desactivó la cuenta",
    "account_suspended": "Instagram suspendió la cuenta",
    "checkpoint_required": "Instagram pide una foto de identidad, un captcha o un vídeo selfie",
    "media_rejected": "Instagram o el procesado rechazaron el archivo",
    "device_offline": "el teléfono dejó de responder",
    "app_crashed": "la app de Instagram se cerró",
    "app_update_required": "la app exige una actualización",
    "media_not_in_gallery": "el archivo enviado no apareció en la galería",
    "ui_unrecognized": "una pantalla que el flujo no conoce",
    "upload_failed": "la subida falló en la app",
    "publish_unconfirmed": "tras Compartir la app no mostró ni éxito ni fallo",
    "rate_limited": "Instagram pide volver a intentarlo más tarde",
    "timeout": "el flujo se quedó sin tiempo o sin pasos",
    "internal_error": "un error inesperado en el agente",
}
FIX_ES: dict[str, str] = {
    "auth_wrong_password": "Pon la contraseña nueva (farm accounts reauth USUARIO "
    "--password-stdin --login) o Re-authenticate con login en la consola.",
    "auth_login_required": "Vuelve a autenticar con login: el agente inicia sesión en el "
    "teléfono con la contraseña guardada.",
    "auth_challenge_required": "Confirma que eres tú en el teléfono (código por correo/SMS) y "
    "vuelve a autenticar sin login.",
    "auth_two_factor_enabled": "Desactiva el inicio de sesión en dos pasos en los ajustes de la "
    "app y vuelve a autenticar.",
    "account_wrong_user": "Cambia la app del teléfono a la cuenta correcta (o cierra la otra "
    "sesión) y vuelve a autenticar.",
    "account_private": "Haz pública la cuenta en la app y vuelve a autenticar.",
    "account_too_few_posts": "Publica a mano hasta tener 5 publicaciones y vuelve a autenticar.",
    "action_blocked": "Espera (normalmente 24-48 h) y baja el ritmo de la cuenta antes de volver "
    "a autenticar; no reintentes antes.",
    "account_disabled": "Quita la cuenta de la granja; Instagram no permite recurrir desde el "
    "teléfono.",
    "account_suspended": "Recurre en la app antes del plazo que muestra y vuelve a autenticar.",
    "checkpoint_required": "Una persona completa en el teléfono la foto de identidad, el captcha "
    "o el vídeo selfie; después, vuelve a autenticar.",
    "media_rejected": "Cambia el archivo (el mensaje dice qué regla incumple) y edita la "
    "publicación.",
    "device_offline": "Revisa el cable y adb del teléfono (o reinícialo desde Phones) y reintenta.",
    "app_crashed": "Reintenta; si se repite, reinicia el teléfono o actualiza la app.",
    "app_update_required": "Actualiza Instagram en el teléfono (Play Store) y reintenta.",
    "media_not_in_gallery": "Reintenta; si se repite, reinicia el teléfono.",
    "ui_unrecognized": "Mira el volcado de pantalla: quita esa pantalla en el teléfono y "
    "reintenta.",
    "upload_failed": "Reintenta; revisa la red del teléfono si fallan varias.",
    "publish_unconfirmed": "Nada: una verificación revisa el perfil antes de reintentar.",
    "rate_limited": "Espera una hora y reintenta; baja el ritmo de la cuenta.",
    "timeout": "Reintenta; si se repite, el teléfono va lento: reinícialo.",
    "internal_error": "Reintenta; si se repite, envía el registro del agente a los "
    "desarrolladores.",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _t(language: str, name: str, **values: Any) -> str:
    table = TEXT.get(language, TEXT["en"])
    return table[name].format(**values)


def meaning(code: str | None, language: str) -> str:
    if not code:
        return ""
    if language == "es" and code in MEANING_ES:
        return MEANING_ES[code]
    entry = FLOW_CODES.get(code) or MEDIA_CODES.get(code)
    return entry.description if entry else ""


def fix(code: str | None, language: str) -> str:
    if language == "es" and code in FIX_ES:
        return FIX_ES[code or ""]
    return fix_for(code)


def _code_of(event: str, data: dict[str, Any]) -> str | None:
    """The error code the event is about: a job's, or the one that put the account on hold
    (its reason reads `[preflight: ]<code>: …`)."""
    if event.startswith("job."):
        return (data.get("error") or {}).get("code")
    parts = (data.get("reason") or "").split(":")
    return next((p.strip() for p in parts if p.strip() in FLOW_CODES), None)


def _values(event: str, data: dict[str, Any], language: str) -> dict[str, Any]:
    state = data.get("state") or ""
    state_text = TEXT.get(language, TEXT["en"]).get(f"state.{state}", state)
    return {
        "account": data.get("account") or "?",
        "job_id": data.get("job_id"),
        "kind": data.get("kind") or "",
        "attempts": data.get("attempts"),
        "code": _code_of(event, data) or "?",
        "state": state_text if event == "account.needs_auth" else state,
    }


def title(event: str, data: dict[str, Any], language: str) -> str:
    return _t(language, f"{event}.title", **_values(event, data, language))[:300]


def job_link(public_url: str, job_id: int | None) -> str:
    base = public_url.rstrip("/")
    return f"{base}/console#job={job_id}" if job_id else f"{base}/console"


def _facts(event: str, data: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """(label, text) lines under the intro: the error, its meaning and its fix."""
    code = _code_of(event, data)
    facts: list[tuple[str, str]] = []
    if event.startswith("job.") and data.get("error"):
        error = data["error"]
        message = error.get("message") or ""
        text = f"{error.get('code')}: {message}" if message else f"{error.get('code')}"
        facts.append((_t(language, "error"), text))
    if event == "account.needs_auth" and data.get("reason"):
        facts.append((_t(language, "reason"), data["reason"]))
    if meaning(code, language):
        facts.append((_t(language, "meaning"), meaning(code, language)))
    if fix(code, language):
        facts.append((_t(language, "fix"), fix(code, language)))
    return facts


def render_event(
    event: str, data: dict[str, Any], *, language: str, public_url: str, key_name: str
) -> Rendered:
    """One event's mail: subject, text part, HTML part (every value escaped in the HTML)."""
    values = _values(event, data, language)
    subject = f"[igfarm] {title(event, data, language)}"
    intro = _t(language, f"{event}.intro", **values)
    todo = _t(language, f"{event}.todo", **values)
    facts = _facts(event, data, language)
    link = job_link(public_url, data.get("job_id"))
    link_label = _t(language, "open_job" if data.get("job_id") else "open_console")
    footer = _t(language, "footer", key=key_name)
    text_lines = [intro, "", f"{_t(language, 'what_to_do')}: {todo}", ""]
    text_lines += [f"{label}: {value}" for label, value in facts]
    text_lines += ["", f"{link_label}: {link}", "", "-- ", footer]
    fact_rows = "".join(
        f"<tr><th align='left'>{escape(label)}</th><td>{escape(value)}</td></tr>"
        for label, value in facts
    )
    html = (
        f"<!doctype html><html lang='{language}'><body>"
        f"<p>{escape(intro)}</p>"
        f"<h3>{escape(_t(language, 'what_to_do'))}</h3><p>{escape(todo)}</p>"
        f"<table>{fact_rows}</table>"
        f"<p><a href='{escape(link, quote=True)}'>{escape(link_label)}</a></p>"
        f"<hr><p><small>{escape(footer)}</small></p></body></html>"
    )
    return Rendered(subject[:300], "\n".join(text_lines) + "\n", html)


def render_digest(
    day: str,
    items: list[tuple[str, int | None]],
    *,
    language: str,
    public_url: str,
    key_name: str,
) -> Rendered:
    """A day's digest: one line per notification (its title), each with its console link."""
    subject = _t(language, "digest.subject", day=day, count=len(items))
    intro = _t(language, "digest.intro", day=day)
    footer = _t(language, "footer", key=key_name)
    lines = [intro, ""]
    rows = []
    for text, job_id in items:
        link = job_link(public_url, job_id)
        lines.append(f"- {text}\n  {link}")
        rows.append(f"<li><a href='{escape(link, quote=True)}'>{escape(text)}</a></li>")
    lines += ["", "-- ", footer]
    html = (
        f"<!doctype html><html lang='{language}'><body><p>{escape(intro)}</p>"
        f"<ul>{''.join(rows)}</ul><hr><p><small>{escape(footer)}</small></p></body></html>"
    )
    return Rendered(subject[:300], "\n".join(lines) + "\n", html)
