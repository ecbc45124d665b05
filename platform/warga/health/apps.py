from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "warga.health"
    label = "health"
    verbose_name = "Kesehatan sistem"
    scope = "public"

    def ready(self) -> None:
        # Here and not at the top: metrics reads models, which are loaded only once Django
        # calls ready().
        from celery import signals

        from warga.health import metrics, worker

        signals.before_task_publish.connect(metrics.task_sent_stamp, weak=False)
        signals.task_prerun.connect(metrics.task_started, weak=False)
        signals.task_postrun.connect(metrics.task_finished, weak=False)
        signals.worker_init.connect(worker.metrics_server_start, weak=False)
        signals.worker_process_shutdown.connect(worker.metrics_process_dead, weak=False)
