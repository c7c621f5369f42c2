"""Keep each occupation's search document current when anything it is built from changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from .models import (
    AlternateTitle,
    JobType,
    Occupation,
    OccupationTask,
    Quote,
    Requirement,
)
from .search.documents import schedule_refresh


@receiver(post_save, sender=Occupation)
def occupation_saved(sender, instance, **kwargs):
    schedule_refresh([instance.pk])


@receiver([post_save, post_delete], sender=AlternateTitle)
@receiver([post_save, post_delete], sender=JobType)
@receiver([post_save, post_delete], sender=OccupationTask)
def occupation_child_changed(sender, instance, **kwargs):
    schedule_refresh([instance.occupation_id])


@receiver([post_save, post_delete], sender=Requirement)
def requirement_changed(sender, instance, raw=False, **kwargs):
    occupation_id = (
        Occupation.objects.filter(
            skill_standards__levels__functions__work_contents=instance.work_content_id
        )
        .values_list("pk", flat=True)
        .first()
    )
    schedule_refresh([occupation_id])


@receiver(post_save, sender=Quote)
def quote_saved(sender, instance, **kwargs):
    schedule_refresh(instance.occupations.values_list("pk", flat=True))


@receiver(pre_delete, sender=Quote)
def quote_deleted(sender, instance, **kwargs):
    # Before the delete: its links to occupations go with it, without an m2m_changed signal.
    schedule_refresh(instance.occupations.values_list("pk", flat=True))


@receiver(m2m_changed, sender=Quote.occupations.through)
def quote_occupations_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    if reverse:  # instance is an occupation
        schedule_refresh([instance.pk])
    elif action == "pre_clear":
        schedule_refresh(instance.occupations.values_list("pk", flat=True))
    else:
        schedule_refresh(pk_set or [])
