"""Every money figure the window shows, from one place: sandbox money says it is simulated.

The sandbox bills a simulated balance with real prices; a figure that does not say so reads as
money spent (issue 14, item 2). A job or take knows its own backend; a panel asks the session.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QCoreApplication

from ltxstudio.core.pricing import format_usd
from ltxstudio.core.remote import simulated
from ltxstudio.jobs.model import Job


def money(usd: Decimal, *, simulated: bool) -> str:
    """`$0.96`, or `$0.96 (simulated)` for sandbox money."""
    text = format_usd(usd)
    if not simulated:
        return text
    return QCoreApplication.translate("money", "%1 (simulated)").replace("%1", text)


def job_money(job: Job) -> str:
    return money(job.estimate_usd, simulated=simulated(job.backend))
