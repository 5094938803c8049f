"""Business days: weekends and the municipality's holidays do not count."""

from __future__ import annotations

from datetime import date, timedelta

from server.complaints import deadlines

HOLIDAYS = {date(2026, 11, 16), date(2026, 12, 25)}  # Revolución (third Monday), Navidad


def test_a_term_starts_the_next_business_day() -> None:
    # Filed on Friday 13 Nov 2026: Monday 16 is a holiday, so day 1 is Tuesday 17.
    assert deadlines.term_end(date(2026, 11, 13), 1, HOLIDAYS) == date(2026, 11, 17)
    # 15 business days from Friday 13 Nov: 17–20 (4), 23–27 (9), 30 Nov–4 Dec (14), 7 Dec (15).
    assert deadlines.term_end(date(2026, 11, 13), 15, HOLIDAYS) == date(2026, 12, 7)


def test_without_holidays_only_weekends_are_skipped() -> None:
    assert deadlines.term_end(date(2026, 11, 13), 15, set()) == date(2026, 12, 4)
    assert deadlines.term_end(date(2026, 11, 14), 0, set()) == date(2026, 11, 14)


def test_business_days_between_counts_both_ways() -> None:
    assert deadlines.business_days_between(date(2026, 11, 13), date(2026, 12, 7), HOLIDAYS) == 15
    assert deadlines.business_days_between(date(2026, 12, 7), date(2026, 11, 13), HOLIDAYS) == -15
    assert deadlines.business_days_between(date(2026, 11, 14), date(2026, 11, 15), HOLIDAYS) == 0


def test_business_days_between_is_the_count_day_by_day_for_every_start_and_span() -> None:
    """The arithmetic (whole weeks, the days left, the holidays among them) against its definition: each day
    after `start` up to `end` that is a weekday and not a holiday. Starts on every day of the week for more than
    a year, spans from -40 to 60 days, holidays on weekdays and on weekends, none at all."""
    def by_day(start: date, end: date, holidays: set[date]) -> int:
        low, high = sorted((start, end))
        count, current = 0, low
        while current < high:
            current += timedelta(days=1)
            count += current.weekday() < 5 and current not in holidays
        return count if end >= start else -count

    # 20 March and 20 November 2027 fall on Saturdays
    holidays = HOLIDAYS | {date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 20), date(2027, 11, 20)}
    for calendar in (holidays, set()):
        for offset in range(0, 430, 3):
            start = date(2026, 10, 1) + timedelta(days=offset)
            for span in range(-40, 61):
                end = start + timedelta(days=span)
                assert deadlines.business_days_between(start, end, calendar) == by_day(start, end, calendar), \
                    (start, end)


def test_a_month_for_clarification() -> None:
    assert deadlines.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert deadlines.add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    # A month from the 31st ends on the last day of a shorter month, 29 February in a leap year.
    assert deadlines.add_months(date(2027, 3, 31), 1) == date(2027, 4, 30)
    assert deadlines.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert deadlines.add_months(date(2028, 1, 30), 1) == date(2028, 2, 29)


def test_days_left_and_overdue_come_from_the_same_calendar() -> None:
    # A term that ends on Friday 13 Nov 2026 (Monday 16 is a holiday).
    due = date(2026, 11, 13)
    seen = {}
    for offset in range(-3, 10):
        today = date(2026, 11, 13) + timedelta(days=offset)
        left = deadlines.days_left_in_term(due, today, HOLIDAYS)
        assert deadlines.term_passed(due, today, HOLIDAYS) == (left < 0), today
        seen[today] = left
    assert seen[date(2026, 11, 12)] == 1  # Thursday: one more business day
    assert seen[date(2026, 11, 13)] == 0  # Friday: the last day
    # The weekend and the holiday after it: the term has run out, and the first working day is Tuesday 17,
    # one business day past it; never "0 left" and overdue at once.
    assert seen[date(2026, 11, 14)] == seen[date(2026, 11, 15)] == seen[date(2026, 11, 16)] == -1
    assert seen[date(2026, 11, 17)] == -1 and seen[date(2026, 11, 18)] == -2


def test_a_term_that_ends_on_monday_is_not_overdue_over_the_weekend() -> None:
    due = date(2026, 11, 23)  # Monday
    for today in (date(2026, 11, 21), date(2026, 11, 22)):  # Saturday, Sunday
        assert deadlines.days_left_in_term(due, today, HOLIDAYS) == 0
        assert not deadlines.term_passed(due, today, HOLIDAYS)
    assert deadlines.first_working_day(date(2026, 11, 14), HOLIDAYS) == date(2026, 11, 17)
    assert deadlines.first_working_day(date(2026, 11, 17), HOLIDAYS) == date(2026, 11, 17)
