from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "cpeg.consultations"
    label = "consultations"
