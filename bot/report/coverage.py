"""Indicators the text line cannot evidence, and the data a school could add to evidence them."""

from __future__ import annotations

NOT_EVIDENCED: dict[str, str] = {
    "1C": "Campus walk-through checklists, signage inventories, family survey items on the campus.",
    "1F": "Sign-ins and agendas of A-G, graduation and college/career meetings with families.",
    "2A": "FEAT roster (administrator, teacher, staff, parent, student), meeting dates and minutes, the "
    "school-parent compact.",
    "2B": "Training logs of parent-center and FEAT staff; workshop agendas naming the school mission.",
    "2D": "Parent-center hours, sign-ins and staffing; equipment and technology inventory; budget lines.",
    "2E": "A list of community partners, what each offers families, and referrals made.",
    "3A": "The designated staff person, the volunteer bulletin followed, reports shared with the community.",
    "4D": "Audits that concerns of each category and language are handled alike (4E's times and outcomes by "
    "home language are a start), protocols staff follow.",
    "5B": "Compliance calendar with deadlines met or missed (SSC, ELAC, Title I, LCFF), monitoring notes.",
}
