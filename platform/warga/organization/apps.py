from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "warga.organization"
    label = "organization"
    verbose_name = "Organisasi perangkat daerah"
    scope = "tenant"

    def ready(self) -> None:
        # Here and not at the top: these modules read models, which are loaded only once
        # Django calls ready().
        from warga.access.facts import policy_facts_register
        from warga.organization import personal_data
        from warga.organization.selectors import seats_held, unit_ancestor_ids

        personal_data.register()
        # The policy reads seats through this hook: the organisation's services ask the policy,
        # so the policy cannot import the organisation (decision 0131).
        policy_facts_register(seats_held=seats_held, unit_ancestor_ids=unit_ancestor_ids)
