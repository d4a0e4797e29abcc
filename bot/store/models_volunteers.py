"""Tables of the volunteer program: opportunities, their shifts, sign-ups and profiles (rubric 3B-3E)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base, BigId, UTCDateTime, utcnow


class VolunteerOpportunityRow(Base):
    """A way to help at school, with its texts per language, needs and supervising staff member."""

    __tablename__ = "volunteer_opportunities"
    __table_args__ = (UniqueConstraint("school_id", "key", name="uq_volunteer_opportunities_school_key"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    key: Mapped[str] = mapped_column(String(64))  # from the school's volunteer file: reloads update it
    titles: Mapped[dict[str, str]] = mapped_column(JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    locations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # per language, like titles
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    requirements: Mapped[list[str]] = mapped_column(JSON, default=list)
    supervisor: Mapped[str] = mapped_column(String(120), default="")
    reminder_minutes: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | archived
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VolunteerShiftRow(Base):
    """One date and time of an opportunity; `version` grows with every change (reminders follow it)."""

    __tablename__ = "volunteer_shifts"
    __table_args__ = (
        UniqueConstraint("opportunity_id", "key", name="uq_volunteer_shifts_opportunity_key"),
        Index("ix_volunteer_shifts_starts", "starts_at"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_opportunities.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: the opportunity's capacity
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    version: Mapped[int] = mapped_column(Integer, default=1)
    # When staff first recorded attendance: the fill rate is written once per shift.
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VolunteerSignupRow(Base):
    """A parent's place on a shift: confirmed, waitlisted, offered a freed place, cancelled, or attended."""

    __tablename__ = "volunteer_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "contact_id", name="uq_volunteer_signups_shift_contact"),
        Index("ix_volunteer_signups_shift_status", "shift_id", "status"),
        Index("ix_volunteer_signups_status_offered", "status", "offered_until"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("volunteer_shifts.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    # confirmed | waitlisted | offered | cancelled | attended | no_show
    status: Mapped[str] = mapped_column(String(16))
    position: Mapped[int | None] = mapped_column(Integer)  # order on the waitlist
    offered_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requirements_met: Mapped[list[str]] = mapped_column(JSON, default=list)
    skill_match: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str | None] = mapped_column(String(16))
    hours: Mapped[float | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VolunteerProfileRow(Base):
    """A parent's skills, free times and the requirements staff recorded as met (never the details)."""

    __tablename__ = "volunteer_profiles"
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), primary_key=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    times: Mapped[list[str]] = mapped_column(JSON, default=list)
    requirements_met: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
