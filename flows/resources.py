"""Everything flows know about Instagram's UI, as data: locale texts and elements.

Source of truth: real hierarchy dumps of the Instagram app (2025-12 and 2026-02 builds, read by
`tests/flows/test_real_dumps.py`), then ids named by public automation code. When a real device
shows something else, add an alternative here — ids to `ELEMENTS`, words to `TEXTS` — and the
dump to the expected table of the real-dump test; flow code does not change (docs/flows.md).
"""

from __future__ import annotations

from flows.driver import INSTAGRAM_PACKAGE
from flows.selectors import Element

IG = INSTAGRAM_PACKAGE
PERMISSION_PACKAGES = (
    "com.android.permissioncontroller",
    "com.google.android.permissioncontroller",
)
ANDROID_PACKAGE = "android"
PLAY_STORE_PACKAGE = "com.android.vending"
MAIN_ACTIVITY = f"{IG}/.activity.MainTabActivity"
# a soft keyboard is a window of an input-method package: its name says so on every phone seen
KEYBOARD_PACKAGE_HINTS = ("inputmethod", "keyboard", "swiftkey", "honeyboard", "gboard")

# key -> locale -> variants. Keys are referenced by Element.descs / Element.texts.
TEXTS: dict[str, dict[str, list[str]]] = {
    # navigation
    "create": {
        "en": ["Create", "New post", "Camera"],
        "es": ["Crear", "Nueva publicación"],
        "fr": ["Créer", "Nouvelle publication"],
    },
    # the profile's "+" (2025-26): opens the Create sheet
    "create_new": {"en": ["Create New"], "es": ["Crear nuevo"], "fr": ["Créer nouveau"]},
    # rows of the Create sheet (content-desc)
    "create_new_post": {
        "en": ["Create new post"],
        "es": ["Crear nueva publicación"],
        "fr": ["Créer une publication"],
    },
    "create_new_reel": {
        "en": ["Create new reel"],
        "es": ["Crear nuevo reel"],
        "fr": ["Créer un reel"],
    },
    "create_new_story": {
        "en": ["Create new story"],
        "es": ["Crear nueva historia"],
        "fr": ["Créer une story"],
    },
    # the gallery's title names where the media goes
    "title_new_post": {
        "en": ["New post"],
        "es": ["Nueva publicación"],
        "fr": ["Nouvelle publication"],
    },
    "title_new_reel": {"en": ["New reel"], "es": ["Nuevo reel"], "fr": ["Nouveau reel"]},
    "title_add_to_story": {
        "en": ["Add to story"],
        "es": ["Añadir a la historia", "Agregar a la historia"],
        "fr": ["Ajouter à la story"],
    },
    "home": {"en": ["Home"], "es": ["Inicio"], "fr": ["Accueil"]},
    "back": {"en": ["Back"], "es": ["Atrás", "Volver"], "fr": ["Retour"]},
    "profile": {"en": ["Profile"], "es": ["Perfil"], "fr": ["Profil"]},
    "dest_post": {"en": ["POST"], "es": ["PUBLICACIÓN", "PUBLICACION"], "fr": ["PUBLICATION"]},
    "dest_story": {"en": ["STORY"], "es": ["HISTORIA"], "fr": ["STORY"]},
    "dest_reel": {"en": ["REEL"], "es": ["REEL"], "fr": ["REEL"]},
    "next": {"en": ["Next"], "es": ["Siguiente"], "fr": ["Suivant"]},
    "share": {"en": ["Share"], "es": ["Compartir"], "fr": ["Partager"]},
    "share_reel": {
        "en": ["Share to Instagram Reels", "Share reel"],
        "es": ["Compartir en Reels de Instagram", "Compartir reel"],
        "fr": ["Partager sur Reels Instagram", "Partager le reel"],
    },
    "your_story": {
        "en": ["Your story", "Your stories"],
        "es": ["Tu historia", "Tus historias"],
        "fr": ["Votre story", "Vos stories"],
    },
    "close_friends": {
        "en": ["Close Friends", "Subscribers"],
        "es": ["Mejores amigos", "Suscriptores"],
        "fr": ["Amis proches", "Abonnés"],
    },
    "caption_hint": {
        "en": ["Write a caption", "Write a caption...", "Add a caption..."],
        "es": [
            "Escribe un pie de foto",
            "Escribe un pie de foto...",
            "Añade un pie de foto...",
            "Escribe una descripción...",
        ],
        "fr": ["Écrivez une légende", "Écrivez une légende...", "Ajoutez une légende..."],
    },
    "ok": {"en": ["OK"], "es": ["Aceptar", "OK"], "fr": ["OK"]},
    "confirm": {"en": ["OK", "Done"], "es": ["OK", "Aceptar", "Listo"], "fr": ["OK", "Terminé"]},
    "select_multiple": {
        "en": ["Select multiple", "Select Multiple", "Select multiple button"],
        "es": ["Seleccionar varios", "Seleccionar varias"],
        "fr": ["Sélectionner plusieurs"],
    },
    # gallery thumbnail content-desc prefixes
    "thumb_selected": {
        "en": ["Selected media number", "Selected"],
        "es": ["Contenido seleccionado número", "Seleccionado", "Seleccionada"],
        "fr": ["Média sélectionné numéro", "Sélectionné"],
    },
    "thumb_unselected": {
        "en": ["Unselected"],
        "es": ["No seleccionado", "No seleccionada", "Sin seleccionar"],
        "fr": ["Non sélectionné"],
    },
    "video_word": {"en": ["video"], "es": ["video", "vídeo"], "fr": ["vidéo", "video"]},
    "photo_word": {"en": ["photo"], "es": ["foto"], "fr": ["photo"]},
    # the story viewer's timestamp for an item posted seconds ago
    "just_now": {"en": ["Just now", "now"], "es": ["Justo ahora", "ahora"], "fr": ["À l'instant"]},
    # upload progress
    "posting": {
        "en": [
            "Posting...",
            "Finishing up",
            "Sharing...",
            "Keep Instagram open to finish posting...",
            "Sharing to Reels...",
        ],
        "es": [
            "Publicando...",
            "Finalizando",
            "Compartiendo...",
            "Mantén Instagram abierto para terminar de publicar...",
            "Compartiendo en Reels...",
        ],
        "fr": ["Publication...", "Publication en cours...", "Finalisation", "Partage sur Reels..."],
    },
    # "Posting to <username>…" (matched as a prefix)
    "posting_to": {"en": ["Posting to "], "es": ["Publicando en "], "fr": ["Publication sur "]},
    # the positive end of an upload: the feed row and the Reels snackbar (prefixes)
    "posted": {
        "en": ["Posted!", "Done posting"],
        "es": ["¡Publicado!", "Se terminó de publicar", "Publicación completada"],
        "fr": ["Publié !", "Publication terminée"],
    },
    "retry": {"en": ["Retry", "Try again"], "es": ["Reintentar"], "fr": ["Réessayer"]},
    "upload_failed": {
        "en": [
            "Couldn't post",
            "Couldn't upload",
            "Upload failed",
            "Not posted yet",
            "Video can't be posted",
            "Photo can't be posted",
            "Reel can't be posted",
            "Couldn't share",
        ],
        "es": [
            "No se pudo publicar",
            "No se pudo subir",
            "Error al subir",
            "No se puede publicar el video",
            "No se puede publicar la foto",
            "No se pudo compartir",
        ],
        "fr": [
            "Impossible de publier",
            "Échec de la publication",
            "Impossible de publier la vidéo",
            "Impossible de publier la photo",
        ],
    },
    # interruptions
    "allow_all": {
        "en": ["Allow all", "Allow"],
        "es": ["Permitir todo", "Permitir"],
        "fr": [
            "Tout autoriser",
            "Autoriser",
        ],
    },
    "not_now": {
        "en": ["Not now", "Not Now", "Skip", "No thanks", "No, thanks"],
        "es": ["Ahora no", "Omitir", "No, gracias"],
        "fr": ["Plus tard", "Pas maintenant", "Ignorer", "Non merci", "Non, merci"],
    },
    "rate_app": {
        "en": ["Rate Instagram"],
        "es": ["Calificar Instagram", "Valorar Instagram"],
        "fr": ["Noter Instagram"],
    },
    # words of buttons that buy, subscribe, verify an identity or accept terms: never tapped
    "never_tap": {
        "en": [
            "Get started",
            "Subscribe",
            "Buy",
            "Pay",
            "Get verified",
            "Try it",
            "Start free trial",
            "Agree",
            "I agree",
            "Accept",
            "Rate Instagram",
            "Upload a photo",
            "Start video selfie",
            "Appeal",
            "Submit",
        ],
        "es": [
            "Empezar",
            "Comenzar",
            "Suscribirse",
            "Suscribirte",
            "Comprar",
            "Pagar",
            "Verificarte",
            "Aceptar términos",
            "Acepto",
        ],
        "fr": ["Commencer", "S'abonner", "Acheter", "Payer", "J'accepte", "Accepter"],
    },
    # the reel editor's "Save draft?" sheet
    "save_draft_title": {
        "en": ["Save draft?"],
        "es": ["¿Guardar borrador?"],
        "fr": ["Enregistrer le brouillon ?"],
    },
    "start_over": {"en": ["Start over"], "es": ["Empezar de nuevo"], "fr": ["Recommencer"]},
    "keep_editing": {
        "en": ["Keep editing"],
        "es": ["Seguir editando"],
        "fr": ["Continuer la modification"],
    },
    "promo_ok": {
        "en": ["OK", "Got it", "Continue", "Dismiss", "Close"],
        "es": ["Aceptar", "Entendido", "Continuar", "Cerrar"],
        "fr": ["OK", "J'ai compris", "Continuer", "Fermer"],
    },
    "notifications_prompt": {
        "en": ["Turn on notifications", "Turn on Notifications"],
        "es": ["Activar notificaciones", "Activa las notificaciones"],
        "fr": ["Activer les notifications"],
    },
    "save_login": {
        "en": ["Save your login info?", "Save login info?", "Save Your Login Info?"],
        "es": [
            "¿Guardar tu información de inicio de sesión?",
            "¿Guardar la información de inicio de sesión?",
        ],
        "fr": ["Enregistrer vos infos de connexion ?", "Enregistrer les identifiants ?"],
    },
    "draft_prompt": {
        "en": ["Keep editing your draft?", "Continue editing your draft?"],
        "es": [
            "¿Quieres seguir editando tu borrador?",
            "¿Quieres seguir editando el borrador?",
            "¿Seguir editando el borrador?",
        ],
        "fr": ["Continuer à modifier votre brouillon ?"],
    },
    "start_new_video": {
        "en": ["Start new video", "Start new"],
        "es": ["Empezar un nuevo vídeo", "Empezar un nuevo video", "Comenzar nuevo video"],
        "fr": ["Commencer une nouvelle vidéo", "Nouvelle vidéo"],
    },
    "discard": {"en": ["Discard"], "es": ["Descartar"], "fr": ["Supprimer", "Abandonner"]},
    "save_draft": {
        "en": ["Save draft", "Save Draft"],
        "es": ["Guardar borrador"],
        "fr": ["Enregistrer le brouillon"],
    },
    "crash": {
        "en": ["keeps stopping", "has stopped"],
        "es": ["se detiene", "se ha detenido"],
        "fr": ["s'arrête"],
    },
    "close_app": {
        "en": ["Close app", "Close"],
        "es": ["Cerrar app", "Cerrar"],
        "fr": [
            "Fermer l'application",
            "Fermer",
        ],
    },
    # account / failures
    "log_in": {
        "en": ["Log in", "Log In"],
        "es": ["Iniciar sesión", "Entrar"],
        "fr": ["Se connecter", "Connexion"],
    },
    "challenge": {
        "en": [
            "Confirm it's you",
            "Help us confirm it's you",
            "Suspicious login attempt",
            "We detected an unusual login attempt",
        ],
        "es": [
            "Confirma que eres tú",
            "Ayúdanos a confirmar que eres tú",
            "Intento de inicio de sesión sospechoso",
            "Detectamos un intento de inicio de sesión inusual",
        ],
        "fr": [
            "Confirmez qu'il s'agit bien de vous",
            "Aidez-nous à confirmer qu'il s'agit bien de vous",
            "Tentative de connexion suspecte",
        ],
    },
    "account_disabled": {
        "en": ["We disabled your account"],
        "es": ["Inhabilitamos tu cuenta", "Hemos inhabilitado tu cuenta"],
        "fr": ["Nous avons désactivé votre compte"],
    },
    "account_suspended": {
        "en": ["We suspended your account"],
        "es": ["Suspendimos tu cuenta", "Hemos suspendido tu cuenta"],
        "fr": ["Nous avons suspendu votre compte"],
    },
    "checkpoint_id_upload": {
        "en": ["Upload your ID"],
        "es": ["Sube tu identificación", "Sube tu documento de identidad"],
        "fr": ["Importez votre pièce d'identité"],
    },
    "checkpoint_captcha": {
        "en": ["Confirm you're human"],
        "es": ["Confirma que eres una persona"],
        "fr": ["Confirmez que vous êtes humain"],
    },
    "checkpoint_video_selfie": {
        "en": ["Confirm you're a real person"],
        "es": ["Confirma que eres una persona real"],
        "fr": ["Confirmez que vous êtes une vraie personne"],
    },
    "two_factor": {
        "en": ["Enter the code we sent", "Enter confirmation code", "Two-factor authentication"],
        "es": [
            "Introduce el código que hemos enviado",
            "Introduce el código que enviamos",
            "Ingresa el código que enviamos",
            "Autenticación en dos pasos",
        ],
        "fr": ["Entrez le code que nous avons envoyé", "Authentification à deux facteurs"],
    },
    "action_blocked": {
        "en": ["Try Again Later", "We restrict certain activity to protect our community"],
        "es": [
            "Vuelve a intentarlo más tarde",
            "Inténtalo de nuevo más tarde",
            "Restringimos ciertas actividades para proteger a nuestra comunidad",
        ],
        "fr": [
            "Réessayer plus tard",
            "Réessayez plus tard",
            "Nous limitons certaines activités pour protéger notre communauté",
        ],
    },
    "rate_limited": {
        "en": ["Please wait a few minutes before you try again", "Too many requests"],
        "es": ["Espera unos minutos antes de volver a intentarlo", "Demasiadas solicitudes"],
        "fr": ["Veuillez patienter quelques minutes avant de réessayer", "Trop de requêtes"],
    },
    "update_wall": {
        "en": ["Update Instagram", "Update required"],
        "es": ["Actualizar Instagram", "Actualiza Instagram", "Actualización necesaria"],
        "fr": ["Mettre à jour Instagram", "Mise à jour requise"],
    },
    "loading": {"en": ["Loading..."], "es": ["Cargando..."], "fr": ["Chargement..."]},
    "more_options": {"en": ["More options"], "es": ["Más opciones"], "fr": ["Plus d'options"]},
    "allow_access": {
        "en": ["Allow access"],
        "es": ["Permitir acceso"],
        "fr": ["Autoriser l'accès"],
    },
    "anr": {"en": ["isn't responding"], "es": ["no responde"], "fr": ["ne répond pas"]},
    "wait": {"en": ["Wait"], "es": ["Esperar"], "fr": ["Attendre"]},
    "no_connection": {
        "en": ["No internet connection", "No Internet Connection", "Couldn't refresh feed"],
        "es": ["Sin conexión a internet", "Sin conexión a Internet", "No hay conexión a internet"],
        "fr": ["Aucune connexion Internet", "Pas de connexion Internet"],
    },
    "private_account": {
        "en": ["This account is private", "This Account is Private"],
        "es": ["Esta cuenta es privada"],
        "fr": ["Ce compte est privé"],
    },
    "more": {"en": ["more"], "es": ["más"], "fr": ["plus"]},
    "n_of_m": {"en": ["of"], "es": ["de"], "fr": ["sur"]},
    "posts_word": {
        "en": ["posts", "post"],
        "es": ["publicaciones", "publicación"],
        "fr": ["publications", "publication"],
    },
    # login (flows.login)
    "username_hint": {
        "en": [
            "Phone number, username, or email",
            "Username, email or mobile number",
            "Username, email or mobile number,",
        ],
        "es": [
            "Teléfono, nombre de usuario o correo electrónico",
            "Nombre de usuario, correo electrónico o número de móvil",
        ],
        "fr": ["Numéro de téléphone, nom d'utilisateur ou adresse e-mail"],
    },
    "password_hint": {
        "en": ["Password", "Password,"],
        "es": ["Contraseña", "Contraseña,"],
        "fr": ["Mot de passe", "Mot de passe,"],
    },
    # the credentials were refused (matched as prefixes: titles and bodies of the dialog)
    "wrong_password": {
        "en": [
            "Incorrect Password",
            "The password you entered is incorrect",
            "Sorry, your password was incorrect",
            "Incorrect Username",
            "The username you entered doesn't appear to belong to an account",
        ],
        "es": [
            "Contraseña incorrecta",
            "La contraseña que has introducido no es correcta",
            "La contraseña que ingresaste es incorrecta",
            "Nombre de usuario incorrecto",
        ],
        "fr": [
            "Mot de passe incorrect",
            "Le mot de passe que vous avez entré est incorrect",
            "Nom d'utilisateur incorrect",
        ],
    },
    "try_again": {
        "en": ["Try Again", "OK"],
        "es": ["Volver a intentarlo", "Reintentar", "Aceptar"],
        "fr": ["Réessayer", "OK"],
    },
    "add_account": {
        "en": ["Add account", "Add Instagram account"],
        "es": ["Añadir cuenta", "Añadir cuenta de Instagram", "Agregar cuenta"],
        "fr": ["Ajouter un compte", "Ajouter un compte Instagram"],
    },
    "log_into_existing": {
        "en": ["Log into existing account", "Log in to existing account"],
        "es": [
            "Iniciar sesión en una cuenta existente",
            "Entrar en una cuenta existente",
        ],
        "fr": ["Se connecter à un compte existant"],
    },
    # -- Professional dashboard and Insights (flows.insights). The English entry is in the real
    # own-profile dumps (a Bloks Button, no id: text "Professional dashboard", content-desc
    # "Professional dashboard entry point"). The dashboard and Insights pages have no real dump
    # yet: their words are the app's English wording; the Spanish ones are unverified
    # translations (several variants where the app's wording is not known)
    "pro_dashboard": {
        "en": ["Professional dashboard"],
        "es": ["Panel profesional", "Panel para profesionales"],
    },
    "pro_dashboard_entry": {
        "en": ["Professional dashboard entry point"],
        "es": ["Punto de acceso al panel profesional"],
    },
    # older builds: an Insights button on the profile
    "insights": {"en": ["Insights", "View insights"], "es": ["Estadísticas", "Ver estadísticas"]},
    "account_insights": {
        "en": ["Account insights", "Insights"],
        "es": ["Estadísticas de la cuenta", "Estadísticas"],
    },
    "total_followers": {
        "en": ["Total followers", "Followers"],
        "es": ["Seguidores totales", "Total de seguidores", "Seguidores"],
    },
    "followers_sections": {
        "en": ["Growth", "Top locations", "Age range"],
        "es": ["Crecimiento", "Principales ubicaciones", "Ubicaciones principales", "Edad"],
    },
    "most_active_times": {
        "en": ["Most active times", "Most Active Times"],
        "es": [
            "Horas de mayor actividad",
            "Momentos de mayor actividad",
            "Horas de más actividad",
            "Horarios de mayor actividad",
        ],
    },
    "hours_tab": {"en": ["Hours"], "es": ["Horas"]},
    "days_tab": {"en": ["Days"], "es": ["Días", "Dias"]},
    # weekday labels of the Days tab, Monday first (abbreviated and full)
    "weekday_0": {"en": ["Mon", "Monday", "Mo"], "es": ["lun", "lun.", "lunes", "L"]},
    "weekday_1": {"en": ["Tue", "Tuesday", "Tu"], "es": ["mar", "mar.", "martes", "M"]},
    "weekday_2": {"en": ["Wed", "Wednesday", "We"], "es": ["mié", "mié.", "miércoles", "X"]},
    "weekday_3": {"en": ["Thu", "Thursday", "Th"], "es": ["jue", "jue.", "jueves", "J"]},
    "weekday_4": {"en": ["Fri", "Friday", "Fr"], "es": ["vie", "vie.", "viernes", "V"]},
    "weekday_5": {"en": ["Sat", "Saturday", "Sa"], "es": ["sáb", "sáb.", "sábado", "S"]},
    "weekday_6": {"en": ["Sun", "Sunday", "Su"], "es": ["dom", "dom.", "domingo", "D"]},
}


def el(name: str, **kwargs: object) -> Element:
    return Element(name=name, **kwargs)  # type: ignore[arg-type]


_ELEMENTS = [
    # -- home feed and navigation
    el("tab_bar", ids=("tab_bar",), package=IG),
    el("feed_tab", ids=("feed_tab",), descs=("home",), package=IG),
    el("reels_tab", ids=("clips_tab",), package=IG),
    # the Reels tab's viewer (a start screen: the app lands there after sharing a reel)
    el("clips_viewer", ids=("clips_viewer_container", "root_clips_layout"), package=IG),
    el("title_logo", ids=("title_logo",), package=IG),
    el("reels_tray", ids=("reels_tray_container",), package=IG),
    el("profile_tab", ids=("profile_tab", "tab_avatar"), descs=("profile",), package=IG),
    el("create_button", ids=("creation_tab",), descs=("create",), package=IG),
    # 2025-26: the feed's action bar holds Create as an ImageView without id or desc
    el("create_button_left", ids=("action_bar_buttons_container_left",), package=IG),
    # 2025-26: the profile's "+" ("Create New") opens the Create sheet
    el("profile_create", descs=("create_new",), package=IG),
    # -- the Create sheet over the profile: rows by content-desc
    el("create_sheet_post", descs=("create_new_post",), package=IG),
    el("create_sheet_reel", descs=("create_new_reel",), package=IG),
    el("create_sheet_story", descs=("create_new_story",), package=IG),
    # -- destination chooser
    el("dest_feed", ids=("cam_dest_feed",), texts=("dest_post",), package=IG),
    el("dest_reel", ids=("cam_dest_clips",), texts=("dest_reel",), package=IG),
    el("dest_story", ids=("cam_dest_story",), texts=("dest_story",), package=IG),
    # -- gallery picker
    el("gallery_thumb", ids=("gallery_grid_item_thumbnail",), package=IG),
    el("gallery_title", ids=("gallery_title_text", "new_post_title"), package=IG),
    el("gallery_grid", ids=("media_picker_grid_view", "gallery_recycler_view"), package=IG),
    el(
        "select_multiple",
        ids=(
            "multi_select_slide_button_alt",
            "gallery_menu_multi_select_button",
            "multi_select_slide_button",
        ),
        descs=("select_multiple",),
        package=IG,
    ),
    el("story_gallery_button", ids=("gallery_preview_button",), package=IG),
    # -- edit / next
    el(
        "next",
        ids=("next_button_textview", "creation_next_button", "clips_right_action_button"),
        descs=("next",),
        texts=("next",),
        package=IG,
    ),
    el("edit_actions", ids=("creation_secondary_actions",), package=IG),
    # -- composer
    el(
        "caption",
        ids=("caption_input_text_view", "caption_text_view"),
        descs=("caption_hint",),
        package=IG,
    ),
    el("caption_done", ids=("action_bar_button_text",), texts=("confirm",), package=IG),
    el("location_row", ids=("location_label",), package=IG),
    # composer rows "Share to → Your story / Facebook": a title and a toggle in one row
    el("share_to_title", texts=("your_story",), package=IG),
    el("row_toggle", ids=("toggle",), classes=("ToggleButton", "Switch"), package=IG),
    el("save_draft_button", ids=("save_draft_button",), package=IG),
    el(
        "share",
        ids=("share_footer_button", "share_button"),
        descs=("share", "share_reel"),
        texts=("share", "share_reel"),
        package=IG,
    ),
    el(
        "your_story",
        ids=("your_story_share_shortcut_button",),
        descs=("your_story",),
        texts=("your_story",),
        package=IG,
    ),
    # the story editor's share bar (2026): Buttons "Your story" / "Close Friends" / "Share to"
    el("story_share_bar", ids=("story_share_controls_action_bar",), package=IG),
    # -- upload
    el("pending_row", ids=("row_pending_container",), texts=("posting",), package=IG),
    el("pending_progress", ids=("row_pending_media_progress_bar",), package=IG),
    el("posting_text", texts=("posting",), package=IG),
    el("posting_to_text", texts=("posting_to",), match="prefix", package=IG),
    # the Reels upload snackbar: "Sharing to Reels…" with a progress bar, then "Done posting…"
    el("upload_snackbar", ids=("igds_upload_snackbar", "upload_snackbar_container"), package=IG),
    el("snackbar_status", ids=("status_text",), package=IG),
    el("snackbar_progress", ids=("progress_bar",), package=IG),
    # positive success: "Posted! Nicely done." with Send, or the snackbar's "Done posting…"
    el("posted_text", texts=("posted",), match="prefix", package=IG),
    el("pending_reshare", ids=("row_pending_media_reshare_button",), package=IG),
    # a story uploads in the tray: the own avatar's content-desc says "Your story. Posting…"
    el("story_posting", descs=("posting",), match="contains", package=IG),
    el("story_failed", descs=("upload_failed",), match="contains", package=IG),
    # positive failure: a failed row offers retry and/or discard
    el("pending_retry", ids=("row_pending_media_retry_button",), package=IG),
    el("pending_discard", ids=("row_pending_media_discard_button",), package=IG),
    el("upload_failed_text", texts=("upload_failed",), match="prefix", package=IG),
    el("no_connection", texts=("no_connection",), package=IG),
    # -- the story viewer (own story: oldest item first; tap right for the next)
    el(
        "story_viewer",
        ids=("reel_viewer_root", "reel_viewer_progress_bar", "reel_viewer_timestamp"),
        package=IG,
    ),
    el("story_title", ids=("reel_viewer_title",), package=IG),
    el("story_timestamp", ids=("reel_viewer_timestamp",), package=IG),
    el("story_media", ids=("reel_viewer_media_container",), package=IG),
    el("story_header", ids=("reel_viewer_header",), package=IG),
    el("story_image", ids=("reel_viewer_image_view",), package=IG),
    el("story_video", ids=("reel_viewer_texture_view", "reel_viewer_video_view"), package=IG),
    el("own_avatar", ids=("row_profile_header_imageview",), package=IG),
    # -- profile and accounts
    el("profile_tabs", ids=("profile_tab_layout", "profile_tabs_container"), package=IG),
    el(
        "post_count",
        ids=("profile_header_familiar_post_count_value", "row_profile_header_textview_post_count"),
        package=IG,
    ),
    el(
        "profile_header",
        ids=(
            "row_profile_header_imageview",
            "profile_header_container",
            "row_profile_header_post_count_container",
        ),
        package=IG,
    ),
    # another user's profile: a Follow button instead of Edit profile
    el("follow_button", ids=("profile_header_follow_button",), package=IG),
    el(
        "profile_title",
        ids=(
            "action_bar_large_title",
            "action_bar_large_title_auto_size",
            "action_bar_title",
            "action_bar_textview_title",
        ),
        package=IG,
    ),
    el("title_chevron", ids=("action_bar_title_chevron",), package=IG),
    el("account_row", ids=("row_user_textview", "row_user_primary_name"), package=IG),
    el(
        "private_empty",
        ids=("private_profile_empty_state",),
        texts=("private_account",),
        package=IG,
    ),
    el(
        "grid_item",
        ids=("image_button", "profile_grid_item", "grid_card_layout_container"),
        package=IG,
    ),
    # an opened post's caption: an id-less IgTextLayoutView ("username caption… more") in
    # 2025-26; older builds gave it an id
    el(
        "post_caption",
        ids=("row_feed_comment_textview_layout", "caption_text"),
        fallback_classes=("IgTextLayoutView",),
        package=IG,
    ),
    el("post_header", ids=("row_feed_profile_header",), package=IG),
    el("back_button", ids=("action_bar_button_back",), descs=("back",), package=IG),
    el(
        "carousel_indicator",
        ids=("carousel_page_indicator", "carousel_index_indicator", "carousel_media_group"),
        package=IG,
    ),
    el("story_ring", ids=("reel_ring",), package=IG),
    el("private_lock", ids=("action_bar_title_lock",), package=IG),
    el("carousel_count", ids=("carousel_page_indicator",), package=IG),
    el("carousel_index", ids=("carousel_index_indicator_text_view",), package=IG),
    el("more_word", texts=("more",), package=IG),
    el("more_button", descs=("more",), classes=("Button",), package=IG),
    # -- interruptions
    el(
        "perm_allow_all",
        ids=(
            "permission_allow_all_button",
            "permission_allow_button",
            "permission_allow_foreground_only_button",
        ),
        texts=("allow_all",),
    ),
    el("perm_message", ids=("permission_message",)),
    el(
        "promo_headline",
        ids=(
            "igds_headline_headline",
            "igds_headline_emphasized_headline",
            "igds_headline_body",
            "promo_headline",
        ),
        package=IG,
    ),
    el(
        "promo_primary",
        ids=("igds_headline_primary_action_button", "bb_primary_action", "primary_button"),
        package=IG,
    ),
    el("promo_bb", ids=("bb_primary_action_container", "bb_primary_action"), package=IG),
    el("auxiliary_button", ids=("auxiliary_button",), package=IG),
    # a bottom sheet's dimmed background: a tap there closes the sheet without choosing
    el("sheet_dimmer", ids=("background_dimmer",), package=IG),
    el("never_tap", descs=("never_tap",), texts=("never_tap",), package=IG),
    el(
        "rate_dialog",
        ids=("appirater_title_area", "appirater_cancel_button"),
        texts=("rate_app",),
        package=IG,
    ),
    el("rate_no_thanks", ids=("appirater_cancel_button",), texts=("not_now",), package=IG),
    el("save_draft_title", ids=(), texts=("save_draft_title",), package=IG),
    el("start_over", texts=("start_over",), package=IG),
    el("keep_editing", texts=("keep_editing",), package=IG),
    el("not_now", texts=("not_now",), descs=("not_now",), package=IG),
    el("promo_ok", texts=("promo_ok",), package=IG),
    el("dialog_ok", texts=("ok",), package=IG),
    el("notifications_prompt", texts=("notifications_prompt",), match="prefix", package=IG),
    el("save_login", texts=("save_login",), package=IG),
    el("draft_prompt", texts=("draft_prompt",), package=IG),
    el("start_new_video", texts=("start_new_video",), ids=(), package=IG),
    el("discard", texts=("discard",), package=IG),
    el("save_draft", texts=("save_draft",), package=IG),
    el("crash_title", texts=("crash",), match="contains", package=ANDROID_PACKAGE),
    el(
        "crash_close", ids=("android:id/aerr_close",), texts=("close_app",), package=ANDROID_PACKAGE
    ),
    el("crash_wait", ids=("android:id/aerr_wait",), texts=("wait",), package=ANDROID_PACKAGE),
    el("anr_title", texts=("anr",), match="contains", package=ANDROID_PACKAGE),
    el("loading", descs=("loading",), texts=("loading",)),
    el("more_options", descs=("more_options",), package=IG),
    el("allow_access", texts=("allow_access",), package=IG),
    el("keyboard", ids=("*input_view", "*keyboard_view", "*keyboard_holder")),
    # the login form: ids in older builds, only content-desc on the 2025 Bloks form
    el(
        "login_username",
        ids=("login_username",),
        descs=("username_hint",),
        classes=("EditText",),
        package=IG,
    ),
    el(
        "login_password",
        ids=("password", "login_password"),
        descs=("password_hint",),
        classes=("EditText",),
        package=IG,
    ),
    el("login_button", ids=("log_in_button", "button_text"), texts=("log_in",), package=IG),
    el("challenge", texts=("challenge",), package=IG),
    # account blocks on Bloks pages (no ids): titles as text and content-desc, as prefixes
    el("account_disabled", texts=("account_disabled",), match="prefix", package=IG),
    el("account_suspended", texts=("account_suspended",), match="prefix", package=IG),
    el("checkpoint_id_upload", texts=("checkpoint_id_upload",), package=IG),
    el("checkpoint_captcha", texts=("checkpoint_captcha",), package=IG),
    el("checkpoint_video_selfie", texts=("checkpoint_video_selfie",), match="prefix", package=IG),
    # a Bloks page still loading (only its Menu button): wait
    el("bloks_page", ids=("bloks_container",), package=IG),
    el("two_factor_id", ids=("*two_factor",), package=IG),
    el("two_factor_text", texts=("two_factor",), match="prefix", package=IG),
    el("action_blocked", texts=("action_blocked",), match="prefix", package=IG),
    el("rate_limited", texts=("rate_limited",), match="prefix", package=IG),
    el("update_wall", texts=("update_wall",), package=IG),
    # -- login (flows.login)
    el("wrong_password", texts=("wrong_password",), match="prefix", package=IG),
    el("try_again", texts=("try_again",), package=IG),
    el("add_account", ids=("add_account_button",), texts=("add_account",), package=IG),
    el("log_into_existing", texts=("log_into_existing",), package=IG),
    # -- Professional dashboard and Insights (flows.insights): Bloks pages, words only
    el(
        "pro_dashboard_entry",
        descs=("pro_dashboard_entry",),
        texts=("pro_dashboard", "insights"),
        package=IG,
    ),
    el("account_insights", texts=("account_insights",), package=IG),
    el("total_followers", texts=("total_followers",), package=IG),
    el("followers_sections", texts=("followers_sections",), package=IG),
    el("most_active_times", texts=("most_active_times",), package=IG),
    el("hours_tab", texts=("hours_tab",), descs=("hours_tab",), package=IG),
    el("days_tab", texts=("days_tab",), descs=("days_tab",), package=IG),
]

ELEMENTS: dict[str, Element] = {e.name: e for e in _ELEMENTS}
