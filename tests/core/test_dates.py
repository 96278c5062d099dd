"""The company's time zone and its today (crewdesk/core/dates.py), used by requests, jobs,
recurring services, access notes and the export."""

import datetime
import zoneinfo

import time_machine
from django.utils import timezone

from crewdesk.core.dates import company_today, company_zone
from crewdesk.core.models import Company


def test_the_zone_is_the_companys_and_utc_for_a_name_no_longer_known():
    assert company_zone(Company(timezone="America/Chicago")) == zoneinfo.ZoneInfo("America/Chicago")
    assert company_zone(Company(timezone="Mars/Olympus_Mons")) == zoneinfo.ZoneInfo("UTC")
    assert company_zone(Company(timezone="")) == zoneinfo.ZoneInfo("UTC")


def test_today_is_the_companys_whatever_zone_is_active():
    # 03:00 UTC on 2 March is still 1 March in Chicago and already 2 March in Tokyo.
    moment = datetime.datetime(2027, 3, 2, 3, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False), timezone.override("Asia/Tokyo"):
        assert company_today(Company(timezone="America/Chicago")) == datetime.date(2027, 3, 1)
        assert company_today(Company(timezone="Asia/Tokyo")) == datetime.date(2027, 3, 2)
