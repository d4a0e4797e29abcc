"""The demo school's announcements: written, queued to every family, delivered or not (1B, 5A).

Early in the period the office writes in English and Spanish only and overrides the 48985 check
with a reason; as months pass more languages get their own text, so the report shows home-language
coverage improving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.demo.world import DemoWorld
from bot.services.announcement_preview import AnnouncementDraft, AnnouncementError
from bot.services.announcements import campaign

NOTICES = (
    {
        "en": "Friday is a minimum day: school ends at 12:30. Lunch is served.",
        "es": "El viernes es día corto: las clases terminan a las 12:30. Habrá almuerzo.",
        "ko": "금요일은 단축 수업일입니다. 12시 30분에 끝나며 점심이 제공됩니다.",
        "vi": "Thứ Sáu là ngày học ngắn: tan học lúc 12:30. Có bữa trưa.",
        "zh_Hans": "周五是短课日：12:30放学。学校提供午餐。",
        "hy": "Ուրբաթը կարճ օր է. դասերն ավարտվում են 12:30-ին։ Ճաշ կլինի։",
    },
    {
        "en": "Picture day is next Tuesday. Order forms went home in backpacks.",
        "es": "El día de fotos es el próximo martes. Los formularios van en las mochilas.",
        "ko": "사진 촬영일은 다음 주 화요일입니다. 신청서는 가방에 넣어 보냈습니다.",
        "vi": "Ngày chụp ảnh là thứ Ba tới. Phiếu đặt ảnh đã gửi về trong cặp.",
        "zh_Hans": "下周二是拍照日。订购表已放在书包里带回家。",
        "hy": "Լուսանկարման օրը հաջորդ երեքշաբթի է։ Պատվերի թերթիկները պայուսակներում են։",
    },
    {
        "en": "Report cards are ready. Ask the office if you did not get yours.",
        "es": "Las boletas de calificaciones están listas. Pregunte en la oficina si no la recibió.",
        "ko": "성적표가 나왔습니다. 받지 못하셨으면 사무실에 문의해 주세요.",
        "vi": "Học bạ đã có. Nếu chưa nhận được, xin hỏi văn phòng.",
        "zh_Hans": "成绩单已发放。如未收到，请联系办公室。",
        "hy": "Առաջադիմության թերթիկները պատրաստ են։ Չստանալու դեպքում դիմեք գրասենյակ։",
    },
)
# Which languages have their own text, as the school gets better at it.
COVERAGE = (("en", "es"), ("en", "es", "vi", "ko"), ("en", "es", "vi", "ko", "zh_Hans", "hy"))
DELIVERED = 0.96


@dataclass
class Announcements:
    """Two announcements a month to every family who has texted the school."""

    name: str = "announcements"
    made: int = 0

    def plan(self, world: DemoWorld, day: date, progress: float) -> None:
        """On the first and third Wednesday, an announcement at 10:00."""
        if day.weekday() == 2 and (day.day <= 7 or 15 <= day.day <= 21):
            world.schedule(world.local(day, 10.0), lambda: self.send(world, progress))

    def send(self, world: DemoWorld, progress: float) -> None:
        """Write, queue, send, and hear back from the carrier."""
        notice = NOTICES[self.made % len(NOTICES)]
        self.made += 1
        languages = COVERAGE[min(len(COVERAGE) - 1, int(progress * len(COVERAGE)))]
        draft = AnnouncementDraft(
            title=notice["en"][:40],
            texts={code: notice[code] for code in languages},
            override_48985=True,
            override_reason="the other translations were not back in time",
            created_by=world.staff(),
        )
        try:
            announcement_id, _ = world.bot.announcements.create(draft)
        except AnnouncementError:
            return  # no family yet
        if world.bot.announcements.queue(announcement_id) != "queued":
            return
        world.drain()
        world.count("announcements")
        with world.bot.store.transaction() as tx:
            sent = tx.campaign_provider_ids(campaign(announcement_id))
        for provider_id in sent:
            status = "delivered" if world.rng.random() < DELIVERED else "undelivered"
            world.bot.consent.record_delivery(provider_id, status, None if status == "delivered" else "30003")
        world.count("announcement texts", len(sent))
