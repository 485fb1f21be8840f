"""Money shown is money recorded (issue 14, items 1 and 2).

1. Extend +3 s on a 10 s clip: on 7510bdf the dialog said $1.30 (context clamped to the clip)
   while the queue, the take card and "spent today" recorded $2.02 (the session priced the
   API's maximum context). Now every figure comes from `quote(request.cost_basis(facts))` of
   the exact request that is sent, on the probed input.
2. On the sandbox every money figure says "(simulated)": the generate estimate, the edit
   dialog, the queue's cost column and header, the status bar and the take card.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from ltxstudio.core.pricing import format_usd
from ltxstudio.jobs.model import JobState
from ltxstudio.ui.models.job_table import Column
from ltxstudio.ui.viewer.dialogs import ExtendDialog
from ltxstudio.ui.viewer.takes_strip import take_cost
from tests.ui.conftest import until
from tests.ui.viewer.test_in_window import generated_take, shown

pytestmark = [pytest.mark.gui, pytest.mark.asyncio, pytest.mark.slow]


async def test_the_extend_price_shown_is_the_price_recorded(open_app: Any) -> None:
    app = await open_app()
    session, window = app.session, app.window
    original = await generated_take(app, 10)
    panel = await shown(app, original.clip_id)
    dialog = panel.edits.open_extend()
    assert isinstance(dialog, ExtendDialog)
    dialog.seconds.setValue(3.0)
    shown_text = dialog.cost.text()
    dialog.submit_button.click()
    await until(lambda: len(session.jobs) == 2, window.jobs_model.rowsInserted)
    job = list(session.jobs)[-1]
    recorded = format_usd(job.estimate_usd)
    assert recorded in shown_text, (shown_text, recorded)  # the dialog's figure, to the cent
    row = session.jobs.index_of(job.id)
    cell = window.jobs_model.index(row, Column.COST).data(Qt.ItemDataRole.DisplayRole)
    assert recorded in cell
    (done,) = await session.wait([job])
    assert done.state is JobState.COMPLETED, done.note
    take = session.clips.take_for_job(job.id)
    assert take is not None
    assert Decimal(take.provenance.estimate_usd or "0") == job.estimate_usd
    assert recorded in take_cost(take)
    # "spent today" and the budget check add up `job.estimate_usd`, the figure checked above.


async def test_every_sandbox_money_figure_says_simulated(open_app: Any) -> None:
    app = await open_app()
    session, window = app.session, app.window
    take = await generated_take(app, 6)
    assert "(simulated)" in window.generate.cost.text()
    job = list(session.jobs)[-1]
    cell = window.jobs_model.index(0, Column.COST).data(Qt.ItemDataRole.DisplayRole)
    assert cell == f"{format_usd(job.estimate_usd)} (simulated)"
    await until(lambda: "(simulated)" in window.queue.spend.text(), window.jobs_model.dataChanged)
    assert "(simulated)" in window.status.spend_label.text()
    assert take_cost(take).endswith("(simulated)")
    panel = await shown(app, take.clip_id)
    dialog = panel.edits.open_extend()
    assert dialog is not None
    assert "(simulated)" in dialog.cost.text()
