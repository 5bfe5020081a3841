"""The simulated Instagram app (screens, dialogs, uploads) that runs on a `SimPhone`."""
