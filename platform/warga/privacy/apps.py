from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A government's side of privacy (tenant scope): its privacy settings (its data protection
    officer, how long a closed report keeps its reporter's identity, the one seat kind that may
    reveal who sent a `rahasia` report), the reveal itself with its log, and the daily
    anonymisation of reporters past the retention period. A person's own requests to download
    or delete their data are `warga.data_rights` (public scope)."""

    name = "warga.privacy"
    label = "privacy"
    verbose_name = "Privasi (pengendali data dan PPDP pemerintah daerah)"
    scope = "tenant"

    def ready(self) -> None:
        # Registered at start-up, when every app's models are loaded, not at import.
        from warga.access.facts import policy_facts_register
        from warga.privacy import personal_data
        from warga.privacy.selectors import identity_viewer_kind_current

        personal_data.register()
        # The policy reads the designated seat kind through this hook: privacy's services ask
        # the policy, so the policy cannot import privacy (decision 0131).
        policy_facts_register(identity_viewer_kind=identity_viewer_kind_current)
