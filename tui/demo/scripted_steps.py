"""The scripted steps of the demo's timeline: users joining and leaving, tenants coming and
going, and the Harbor Point story.

``Script.steps`` names each step by an action word; ``Recorder`` finds ``_step_<word>`` here.
They are a mixin so the recorder's random activity (``recorder.py``) and the scripted story
live in separate files while sharing one inventory and one event builder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.demo.inventory import KINDS, PLAYBOOKS
from tui.demo.session import Session
from tui.demo.summaries import describe_changes
from tui.demo.world import SCENARIO_TENANT
from tui.domain.event import AuditEvent, Target

if TYPE_CHECKING:
    from tui.demo.recorder import Recorder

    _Base = Recorder
else:
    _Base = object


class ScriptedSteps(_Base):
    """``_step_*`` methods; mixed into ``Recorder``, whose helpers they call."""

    def _step_login(self, session: Session, ms: int) -> AuditEvent:
        return self._login(session, ms, "User Login")

    def _step_first_login(self, session: Session, ms: int) -> AuditEvent:
        return self._login(session, ms, "User First Login")

    def _step_logout(self, session: Session, ms: int) -> AuditEvent:
        return self._logout(session, ms)

    def _step_password(self, session: Session, ms: int) -> AuditEvent:
        return self._password(session, ms)

    def _step_act(self, session: Session, ms: int, place: str, type_name: str) -> AuditEvent:
        return self._apply(session, ms, place, type_name)

    def _step_act_random(self, session: Session, ms: int) -> AuditEvent:
        return self._random_action(session, ms)

    def _step_scheduled_report(self, session: Session, ms: int) -> AuditEvent:
        return self._apply(session, ms, session.place, "Scheduled Report Sent")

    def _subject_event(
        self,
        session: Session,
        ms: int,
        type_name: str,
        index: int,
        summary: str,
        details: dict[str, Any],
    ) -> AuditEvent:
        subject = self.world.users[index]
        return self._event(session, ms, type_name, "", subject.target, summary, details)

    def _step_user_created(self, session: Session, ms: int, index: int) -> AuditEvent:
        subject = self.world.users[index].principal
        details = {"email": subject.email, "role": subject.role, "tenants": sorted(subject.tenants)}
        summary = f"Created user “{subject.name}” <{subject.email}> as {subject.role}"
        return self._subject_event(session, ms, "User Created", index, summary, details)

    def _step_user_invited(self, session: Session, ms: int, index: int) -> AuditEvent:
        subject = self.world.users[index].principal
        details = {"email": subject.email, "role": subject.role, "expires_in_days": 7}
        summary = f"Invited {subject.email} as {subject.role}"
        return self._subject_event(session, ms, "User Invited", index, summary, details)

    def _step_user_accepted(self, session: Session, ms: int) -> AuditEvent:
        role = session.user.role
        return self._event(
            session,
            ms,
            "User Accepted",
            "",
            session.user.target,
            f"Accepted the invitation to join as {role}",
            {"role": role},
        )

    def _step_user_confirmed(self, session: Session, ms: int) -> AuditEvent:
        email = session.user.principal.email
        return self._event(
            session,
            ms,
            "User Confirmed",
            "",
            session.user.target,
            f"Confirmed the e-mail address {email}",
            {"email": email},
        )

    def _step_user_deactivated(self, session: Session, ms: int, index: int) -> AuditEvent:
        name = self.world.users[index].principal.name
        details = {"sessions_ended": self.rng.randint(0, 2)}
        return self._subject_event(
            session, ms, "User Deactivated", index, f"Deactivated user “{name}”", details
        )

    def _step_user_activated(self, session: Session, ms: int, index: int) -> AuditEvent:
        name = self.world.users[index].principal.name
        return self._subject_event(
            session, ms, "User Activated", index, f"Reactivated user “{name}”", {}
        )

    def _step_user_deleted(self, session: Session, ms: int, index: int) -> AuditEvent:
        name = self.world.users[index].principal.name
        details = {"account": "erased", "audit_events": "kept"}
        summary = f"Deleted user “{name}”; the account is erased, its audit events are kept"
        return self._subject_event(session, ms, "User Deleted", index, summary, details)

    def _company_event(
        self,
        session: Session,
        ms: int,
        type_name: str,
        key: str,
        summary: str,
        details: dict[str, Any],
    ) -> AuditEvent:
        target = Target("company", key, self.tenants[key].ref.name)
        return self._event(session, ms, type_name, key, target, summary, details)

    def _step_company_created(self, session: Session, ms: int, key: str) -> AuditEvent:
        item = self.inventory.pool(key, KINDS["company"])[0]
        details = {"settings": dict(item.attrs)}
        return self._company_event(
            session, ms, "Company Created", key, f"Created company “{item.name}”", details
        )

    def _step_company_detached(self, session: Session, ms: int, key: str) -> AuditEvent:
        name = self.tenants[key].ref.name
        details = {"billing": "transferred to the customer", "data_retained_days": 30}
        return self._company_event(
            session,
            ms,
            "Company Detached From MSP",
            key,
            f"Detached company “{name}” from the MSP",
            details,
        )

    def _step_company_deleted(self, session: Session, ms: int, key: str) -> AuditEvent:
        name = self.tenants[key].ref.name
        details = {"comment": "contract ended"}
        return self._company_event(
            session, ms, "Company Deleted", key, f"Deleted company “{name}”", details
        )

    def _step_scenario(self, session: Session, ms: int, beat: str) -> AuditEvent:
        """The acceptance scenario, beat by beat (see the module docstring)."""
        item = self.scenario_item
        assert item is not None
        place = SCENARIO_TENANT
        at = f" at {self.tenants[place].ref.name}"
        target = Target("integration", item.id, item.name)
        if beat == "disable":
            old = item.attrs["enabled"]
            item.attrs["enabled"] = False
            changes = [{"field": "enabled", "old": old, "new": False}]
            summary = f"Updated integration “{item.name}”{at}: {describe_changes(changes)}"
            return self._event(
                session, ms, "Integration Updated", place, target, summary, {"changes": changes}
            )
        if beat == "delete_failed":
            used = item.attrs["response_playbooks"]
            reason = (
                f"the integration is still used by {len(used)} response playbooks: "
                + ", ".join(used)
            )
            details = {"reason": reason, "error_code": "INTEGRATION_IN_USE"}
            summary = f"Could not delete integration “{item.name}”{at}: {reason}"
            return self._event(
                session, ms, "Integration Deletion Failed", place, target, summary, details
            )
        if beat == "clear_playbooks":
            old = item.attrs["response_playbooks"]
            item.attrs["response_playbooks"] = []
            changes = [{"field": "response_playbooks", "old": old, "new": []}]
            summary = f"Updated integration “{item.name}”{at}: {describe_changes(changes)}"
            return self._event(
                session, ms, "Integration Updated", place, target, summary, {"changes": changes}
            )
        if beat == "delete":
            self.inventory.remove(place, KINDS["integration"], item)
            details = {"comment": "replaced by the Microsoft Defender XDR connector"}
            summary = f"Deleted integration “{item.name}”{at}"
            return self._event(session, ms, "Integration Deleted", place, target, summary, details)
        replacement = self.inventory.create(
            place, KINDS["integration"], name="Microsoft Defender XDR"
        )
        replacement.attrs.update(enabled=True, response_playbooks=list(PLAYBOOKS[:2]))
        details = {"settings": dict(replacement.attrs)}
        summary = f"Created integration “{replacement.name}”{at}"
        target = Target("integration", replacement.id, replacement.name)
        return self._event(session, ms, "Integration Created", place, target, summary, details)
