"""Activity-log entries about properties and the service catalog (see core/events.py).
Entries about a property target the property: its page shows them as its history."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.properties.models import Property, PropertyService, Service


class Verb:
    PROPERTY_CREATED = "property.created"
    PROPERTY_UPDATED = "property.updated"
    PROPERTY_ARCHIVED = "property.archived"
    PROPERTY_RESTORED = "property.restored"
    PROPERTY_MOVED = "property.moved"
    ACCESS_NOTES_VIEWED = "property.access_notes_viewed"
    PROPERTY_SERVICE_ADDED = "property.service_added"
    PROPERTY_SERVICE_UPDATED = "property.service_updated"
    PROPERTY_SERVICE_ARCHIVED = "property.service_archived"
    SERVICE_CREATED = "service.created"
    SERVICE_UPDATED = "service.updated"
    SERVICE_ARCHIVED = "service.archived"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.PROPERTY_CREATED: _("added the property %(name)s"),
    Verb.PROPERTY_UPDATED: _("changed %(fields)s of the property %(name)s"),
    Verb.PROPERTY_ARCHIVED: _("archived the property %(name)s"),
    Verb.PROPERTY_RESTORED: _("restored the property %(name)s"),
    Verb.PROPERTY_MOVED: _("moved the property %(name)s from %(from_client)s to %(to_client)s"),
    Verb.ACCESS_NOTES_VIEWED: _("read the access notes of %(name)s"),
    Verb.PROPERTY_SERVICE_ADDED: _("added %(service)s to the property %(name)s"),
    Verb.PROPERTY_SERVICE_UPDATED: _("changed %(service)s at the property %(name)s"),
    Verb.PROPERTY_SERVICE_ARCHIVED: _("stopped %(service)s at the property %(name)s"),
    Verb.SERVICE_CREATED: _("added %(name)s to the service catalog"),
    Verb.SERVICE_UPDATED: _("changed %(name)s in the service catalog"),
    Verb.SERVICE_ARCHIVED: _("archived %(name)s in the service catalog"),
}


def property_event(*, actor: Membership, prop: Property, verb: str, **data) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=verb,
        target=prop,
        data={"name": prop.label, "client_id": prop.client_id, **data},
    )


def property_created_event(*, actor: Membership, prop: Property) -> Activity:
    return property_event(actor=actor, prop=prop, verb=Verb.PROPERTY_CREATED)


def property_updated_event(*, actor: Membership, prop: Property, changes: dict) -> Activity:
    return property_event(
        actor=actor,
        prop=prop,
        verb=Verb.PROPERTY_UPDATED,
        changes=changes,
        fields=", ".join(changes),
    )


def property_moved_event(
    *, actor, prop, old_client, new_client, followed: dict[str, int]
) -> Activity:
    """`followed`: how many of each kind of record followed the property ({"jobs_moved": 2})."""
    return property_event(
        actor=actor,
        prop=prop,
        verb=Verb.PROPERTY_MOVED,
        from_client=old_client.display_name,
        from_client_id=old_client.pk,
        to_client=new_client.display_name,
        to_client_id=new_client.pk,
        **followed,
    )


def access_notes_viewed_event(*, actor: Membership, prop: Property, job) -> Activity:
    return property_event(actor=actor, prop=prop, verb=Verb.ACCESS_NOTES_VIEWED, job_id=job.pk)


def property_service_event(
    *, actor: Membership, ps: PropertyService, verb: str, changes: dict | None = None
) -> Activity:
    data = {"service": ps.service.name, "property_service_id": ps.pk}
    if changes:
        data["changes"] = changes
    return property_event(actor=actor, prop=ps.property, verb=verb, **data)


def service_event(
    *, actor: Membership, service: Service, verb: str, changes: dict | None = None
) -> Activity:
    data = {"name": service.name}
    if changes:
        data["changes"] = changes
    return activity_record(
        company=actor.company, actor=actor.user, verb=verb, target=service, data=data
    )
