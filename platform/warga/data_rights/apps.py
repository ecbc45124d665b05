from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    """A person's rights over their data (UU 27/2022): the requests to download or delete
    everything Warga holds about them, the task that carries them out across governments, and
    the registry through which every app says what it holds. A government's own privacy
    settings and the log of who saw a `rahasia` reporter are `warga.privacy`.

    The label stays `personaldata`, the app's first name: it names the migration history, the
    tables (`personaldata_*`) and the content types on every existing database
    (docs/decisions/0121)."""

    name = "warga.data_rights"
    label = "personaldata"
    verbose_name = "Hak subjek data (unduh dan hapus data pribadi)"
    scope = "public"
