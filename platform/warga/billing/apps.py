from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "warga.billing"
    label = "billing"
    verbose_name = "Tagihan (langganan Stripe per pemerintah)"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: the selectors read models, which are loaded only once Django
        # calls ready().
        from warga.access.facts import policy_facts_register
        from warga.billing.selectors import BILLING_PAGE_PATH, premium_refusal

        # The policy reads the billing standing through this hook: billing's services ask the
        # policy, so the policy cannot import billing (decision 0131).
        policy_facts_register(premium_refusal=premium_refusal, premium_page_path=BILLING_PAGE_PATH)
