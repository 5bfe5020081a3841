"""Every string the simulated phone shows, per locale (English, Spanish, French).

Keys are stable names; `Texts(locale)[key]` returns the localized string, falling back to
English for a key a locale lacks. Instagram and Android texts live together because a phone's
locale applies to both.
"""

from __future__ import annotations

from datetime import datetime

EN: dict[str, str] = {
    # tab bar and home
    "home": "Home",
    "search": "Search and explore",
    "create": "Create",
    "reels": "Reels",
    "profile": "Profile",
    "instagram": "Instagram",
    "messenger": "Messenger",
    "notifications": "Notifications",
    "your_story": "Your story",
    "your_stories": "Your stories",
    "story_of": "{user}'s story",
    "posting": "Posting…",
    "finishing": "Finishing up",
    "couldnt_post": "Couldn't post. We'll try again when you have a better connection.",
    "retry": "Retry",
    "no_internet": "No internet connection",
    "more_options": "More options",
    "like": "Like",
    "comment": "Comment",
    "send_post": "Send post",
    "liked_by": "Liked by {user} and others",
    "just_now": "Just now",
    "minutes_ago": "{n} minutes ago",
    "hours_ago": "{n} hours ago",
    "days_ago": "{n} days ago",
    "more": "more",
    "loading": "Loading…",
    # creation
    "new_post": "New post",
    "new_reel": "New reel",
    "add_to_story": "Add to story",
    "next": "Next",
    "share": "Share",
    "close": "Close",
    "back": "Back",
    "recents": "Recents",
    "select_multiple": "Select multiple",
    "camera": "Camera",
    "gallery": "Gallery",
    "take_photo": "Take photo",
    "dest_post": "POST",
    "dest_story": "STORY",
    "dest_reel": "REEL",
    "dest_live": "LIVE",
    "thumb_selected": "Selected media number {n}, {kind} thumbnail created on {date}",
    "thumb_unselected": "Unselected {kind} thumbnail created on {date}",
    "photo": "Photo",
    "video": "Video",
    "photo_lc": "photo",
    "video_lc": "video",
    "allow_access_title": "Allow access to your photos and videos",
    "allow_access": "Allow access",
    "no_media": "No photos or videos",
    "filter": "Filter",
    "edit": "Edit",
    "crop": "Crop",
    "write_caption": "Write a caption",
    "caption_hint": "Add a caption…",
    "tag_people": "Tag people",
    "add_location": "Add location",
    "audience": "Audience",
    "everyone": "Everyone",
    "add_music": "Add music",
    "ok": "OK",
    "done": "Done",
    "share_to_reels": "Share to Instagram Reels",
    "close_friends": "Close Friends",
    "send_to": "Send to",
    "advanced_settings": "Advanced settings",
    "save_draft": "Save draft",
    "discard_title": "Discard post?",
    "discard_body": "If you leave now, you'll lose any changes you've made.",
    "discard": "Discard",
    "keep_editing": "Keep editing",
    "draft_title": "Keep editing your draft?",
    "draft_body": "You have an unfinished reel. Would you like to keep editing it?",
    "start_new_video": "Start new video",
    # profile
    "posts": "posts",
    "posts_title": "Posts",
    "followers": "followers",
    "following": "following",
    "edit_profile": "Edit profile",
    "share_profile": "Share profile",
    "grid_view": "Grid View",
    "photos_of_you": "Photos of You",
    "private_account": "This account is private",
    "private_body": "Only approved followers can see your photos and videos.",
    "share_first": "Share photos and videos",
    "grid_photo": "Photo by {name} at row {row}, column {col}",
    "grid_video": "Video by {name} at row {row}, column {col}",
    "grid_reel": "Reel by {name} at row {row}, column {col}",
    "grid_carousel": "Carousel by {name} at row {row}, column {col}",
    "profile_picture": "{user}'s profile picture",
    "switch_accounts": "Switch accounts",
    "add_account": "Add Instagram account",
    "accounts_center": "Go to Accounts Center",
    "post_n_of_m": "{n} of {m}",
    # auth
    "username_hint": "Phone number, username, or email",
    "password_hint": "Password",
    "log_in": "Log in",
    "forgot_password": "Forgot password?",
    "create_account": "Create new account",
    "incorrect_password": "Incorrect Password",
    "incorrect_body": "The password you entered is incorrect. Please try again.",
    "try_again": "Try Again",
    "challenge_title": "Confirm it's you",
    "challenge_body": (
        "We detected an unusual login attempt. To secure your account, we'll send you a "
        "security code."
    ),
    "security_code": "Security code",
    "send_code": "Send security code",
    "confirm": "Confirm",
    "two_factor_title": "Enter the code we sent to your number ending in 42",
    "two_factor_body": "Enter the 6-digit code we sent to your phone.",
    "code_hint": "Security code",
    "save_login_title": "Save your login info?",
    "save_login_body": "We'll save the login info for {user}, so you won't need to enter it "
    "on your next login.",
    "save": "Save",
    "not_now": "Not now",
    # popups
    "notif_title": "Turn on notifications",
    "notif_body": "Know right away when people follow you or like and comment on your photos.",
    "turn_on": "Turn On",
    "rate_title": "Try Again Later",
    "rate_body": "Please wait a few minutes before you try again.",
    "blocked_title": "Try Again Later",
    "blocked_body": (
        "We restrict certain activity to protect our community. Tell us if you think we made "
        "a mistake."
    ),
    "tell_us": "Tell us",
    "update_title": "Update Instagram",
    "update_body": "This version of Instagram is no longer supported. Update to keep using it.",
    "update": "Update",
    "promo_title": "New ways to reach more people",
    "promo_body": "Reels you share can now be recommended to people who don't follow you.",
    "got_it": "Got it",
    # android
    "perm_message": "Allow <b>Instagram</b> to access photos and videos on this device?",
    "perm_allow_all": "Allow all",
    "perm_select": "Select photos and videos",
    "perm_deny": "Don't allow",
    "crash_title": "Instagram keeps stopping",
    "anr_title": "Instagram isn't responding",
    "close_app": "Close app",
    "app_info": "App info",
    "wait": "Wait",
    "search_hint": "Search",
    "play_store": "Play Store",
    "installed": "Installed",
}

ES: dict[str, str] = {
    "home": "Inicio",
    "search": "Buscar y explorar",
    "create": "Crear",
    "reels": "Reels",
    "profile": "Perfil",
    "messenger": "Messenger",
    "notifications": "Notificaciones",
    "your_story": "Tu historia",
    "your_stories": "Tus historias",
    "story_of": "Historia de {user}",
    "posting": "Publicando…",
    "finishing": "Finalizando",
    "couldnt_post": "No se pudo publicar. Lo volveremos a intentar cuando tengas una mejor "
    "conexión.",
    "retry": "Reintentar",
    "no_internet": "No hay conexión a internet",
    "more_options": "Más opciones",
    "like": "Me gusta",
    "comment": "Comentar",
    "send_post": "Enviar publicación",
    "liked_by": "Les gusta a {user} y otras personas",
    "just_now": "Justo ahora",
    "minutes_ago": "Hace {n} minutos",
    "hours_ago": "Hace {n} horas",
    "days_ago": "Hace {n} días",
    "more": "más",
    "loading": "Cargando…",
    "new_post": "Nueva publicación",
    "new_reel": "Nuevo reel",
    "add_to_story": "Añadir a la historia",
    "next": "Siguiente",
    "share": "Compartir",
    "close": "Cerrar",
    "back": "Atrás",
    "recents": "Recientes",
    "select_multiple": "Seleccionar varios",
    "camera": "Cámara",
    "gallery": "Galería",
    "take_photo": "Hacer foto",
    "dest_post": "PUBLICACIÓN",
    "dest_story": "HISTORIA",
    "dest_reel": "REEL",
    "dest_live": "EN DIRECTO",
    "thumb_selected": "Contenido seleccionado número {n}, miniatura de {kind} creada el {date}",
    "thumb_unselected": "Miniatura de {kind} no seleccionada creada el {date}",
    "photo": "Foto",
    "video": "Vídeo",
    "photo_lc": "foto",
    "video_lc": "vídeo",
    "allow_access_title": "Permite el acceso a tus fotos y vídeos",
    "allow_access": "Permitir acceso",
    "no_media": "No hay fotos ni vídeos",
    "filter": "Filtro",
    "edit": "Editar",
    "crop": "Recortar",
    "write_caption": "Escribe un pie de foto",
    "caption_hint": "Añade un pie de foto…",
    "tag_people": "Etiquetar personas",
    "add_location": "Añadir ubicación",
    "audience": "Público",
    "everyone": "Todos",
    "add_music": "Añadir música",
    "ok": "Aceptar",
    "done": "Listo",
    "share_to_reels": "Compartir en reels de Instagram",
    "close_friends": "Mejores amigos",
    "send_to": "Enviar a",
    "advanced_settings": "Configuración avanzada",
    "save_draft": "Guardar borrador",
    "discard_title": "¿Descartar publicación?",
    "discard_body": "Si sales ahora, perderás los cambios que hayas hecho.",
    "discard": "Descartar",
    "keep_editing": "Seguir editando",
    "draft_title": "¿Quieres seguir editando tu borrador?",
    "draft_body": "Tienes un reel sin terminar. ¿Quieres seguir editándolo?",
    "start_new_video": "Empezar un nuevo vídeo",
    "posts": "publicaciones",
    "posts_title": "Publicaciones",
    "followers": "seguidores",
    "following": "seguidos",
    "edit_profile": "Editar perfil",
    "share_profile": "Compartir perfil",
    "grid_view": "Vista de cuadrícula",
    "photos_of_you": "Fotos en las que apareces",
    "private_account": "Esta cuenta es privada",
    "private_body": "Solo los seguidores aprobados pueden ver tus fotos y vídeos.",
    "share_first": "Comparte fotos y vídeos",
    "grid_photo": "Foto de {name} en la fila {row}, columna {col}",
    "grid_video": "Vídeo de {name} en la fila {row}, columna {col}",
    "grid_reel": "Reel de {name} en la fila {row}, columna {col}",
    "grid_carousel": "Carrusel de {name} en la fila {row}, columna {col}",
    "profile_picture": "Foto del perfil de {user}",
    "switch_accounts": "Cambiar de cuenta",
    "add_account": "Añadir cuenta de Instagram",
    "accounts_center": "Ir al Centro de cuentas",
    "post_n_of_m": "{n} de {m}",
    "username_hint": "Teléfono, nombre de usuario o correo electrónico",
    "password_hint": "Contraseña",
    "log_in": "Entrar",
    "forgot_password": "¿Has olvidado la contraseña?",
    "create_account": "Crear cuenta nueva",
    "incorrect_password": "Contraseña incorrecta",
    "incorrect_body": "La contraseña que has introducido no es correcta. Inténtalo de nuevo.",
    "try_again": "Volver a intentarlo",
    "challenge_title": "Confirma que eres tú",
    "challenge_body": (
        "Hemos detectado un intento de inicio de sesión inusual. Para proteger tu cuenta, te "
        "enviaremos un código de seguridad."
    ),
    "security_code": "Código de seguridad",
    "send_code": "Enviar código de seguridad",
    "confirm": "Confirmar",
    "two_factor_title": "Introduce el código que hemos enviado a tu número acabado en 42",
    "two_factor_body": "Introduce el código de 6 dígitos que hemos enviado a tu teléfono.",
    "code_hint": "Código de seguridad",
    "save_login_title": "¿Guardar tu información de inicio de sesión?",
    "save_login_body": "Guardaremos la información de inicio de sesión de {user} para que no "
    "tengas que introducirla la próxima vez.",
    "save": "Guardar",
    "not_now": "Ahora no",
    "notif_title": "Activar notificaciones",
    "notif_body": "Entérate al momento de cuando alguien te siga o indique que le gustan o "
    "comente tus fotos.",
    "turn_on": "Activar",
    "rate_title": "Vuelve a intentarlo más tarde",
    "rate_body": "Espera unos minutos antes de volver a intentarlo.",
    "blocked_title": "Vuelve a intentarlo más tarde",
    "blocked_body": (
        "Restringimos ciertas actividades para proteger a nuestra comunidad. Avísanos si crees "
        "que nos hemos equivocado."
    ),
    "tell_us": "Avisarnos",
    "update_title": "Actualizar Instagram",
    "update_body": "Esta versión de Instagram ya no es compatible. Actualízala para seguir "
    "usándola.",
    "update": "Actualizar",
    "promo_title": "Nuevas formas de llegar a más personas",
    "promo_body": "Los reels que compartes ya se pueden recomendar a personas que no te siguen.",
    "got_it": "Entendido",
    "perm_message": "¿Permitir que <b>Instagram</b> acceda a las fotos y los vídeos de este "
    "dispositivo?",
    "perm_allow_all": "Permitir todo",
    "perm_select": "Seleccionar fotos y vídeos",
    "perm_deny": "No permitir",
    "crash_title": "Instagram se detiene continuamente",
    "anr_title": "Instagram no responde",
    "close_app": "Cerrar aplicación",
    "app_info": "Información de la aplicación",
    "wait": "Esperar",
    "search_hint": "Buscar",
    "installed": "Instalada",
}

FR: dict[str, str] = {
    "home": "Accueil",
    "search": "Rechercher et explorer",
    "create": "Créer",
    "profile": "Profil",
    "your_story": "Votre story",
    "posting": "Publication…",
    "finishing": "Finalisation",
    "retry": "Réessayer",
    "new_post": "Nouvelle publication",
    "next": "Suivant",
    "share": "Partager",
    "close": "Fermer",
    "back": "Retour",
    "select_multiple": "Sélectionner plusieurs",
    "dest_post": "PUBLICATION",
    "dest_story": "STORY",
    "dest_reel": "REEL",
    "write_caption": "Écrivez une légende",
    "caption_hint": "Ajoutez une légende…",
    "close_friends": "Amis proches",
    "not_now": "Plus tard",
    "ok": "OK",
    "posts": "publications",
    "followers": "followers",
    "following": "suivi(e)s",
    "log_in": "Se connecter",
    "password_hint": "Mot de passe",
    "challenge_title": "Confirmez qu'il s'agit bien de vous",
    "rate_title": "Réessayer plus tard",
    "blocked_title": "Réessayer plus tard",
    "perm_allow_all": "Tout autoriser",
    "perm_deny": "Ne pas autoriser",
    "crash_title": "Instagram s'arrête systématiquement",
    "close_app": "Fermer l'application",
}

LOCALES: dict[str, dict[str, str]] = {"en": EN, "es": ES, "fr": FR}

_MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ],
    "es": [
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ],
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre",
    ],
}  # fmt: skip


class Texts:
    """Localized strings for one locale ("en", "es", "fr"; "es-ES" style codes work too)."""

    def __init__(self, locale: str = "en") -> None:
        self.locale = locale.split("-")[0].split("_")[0].lower()
        if self.locale not in LOCALES:
            raise ValueError(f"unsupported locale {locale!r}; known: {sorted(LOCALES)}")
        self._table = LOCALES[self.locale]

    def __getitem__(self, key: str) -> str:
        return self._table.get(key) or EN[key]

    def fmt(self, key: str, **values: object) -> str:
        return self[key].format(**values)

    def date(self, when: datetime) -> str:
        """A date as thumbnails describe it: "November 25, 2026 12:34" / "25 de noviembre…"."""
        month = _MONTHS[self.locale][when.month - 1]
        if self.locale == "en":
            return f"{month} {when.day}, {when.year} {when:%H:%M}"
        if self.locale == "es":
            return f"{when.day} de {month} de {when.year} {when:%H:%M}"
        return f"{when.day} {month} {when.year} {when:%H:%M}"

    def number(self, n: int) -> str:
        """A count as the profile header shows it (1,234 / 1.234 / 1 234)."""
        text = f"{n:,}"
        if self.locale == "es":
            return text.replace(",", ".") if n >= 10000 else text.replace(",", "")
        if self.locale == "fr":
            return text.replace(",", "\u202f")
        return text
