"""Saves offscreen screenshots of the screens to docs/screenshots/ for review (demo data)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wmo_desk.domain.cases import Stage  # noqa: E402
from wmo_desk.services.context import AppContext  # noqa: E402
from wmo_desk.services.demo import fill_demo  # noqa: E402
from wmo_desk.ui.app import make_application  # noqa: E402
from wmo_desk.ui.main_window import MainWindow  # noqa: E402
from wmo_desk.ui.melding_dialog import MeldingDialog  # noqa: E402
from wmo_desk.ui.setup_dialog import SetupDialog  # noqa: E402


def main(out: Path = ROOT / "docs" / "screenshots") -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = make_application([])
    ctx = AppContext.open(Path(tempfile.mkdtemp(prefix="wmo-shots-")))
    setup = SetupDialog(ctx)
    setup.show()
    app.processEvents()
    setup.grab().save(str(out / "setup_dialog.png"))
    setup.close()
    fill_demo(ctx)
    window = MainWindow(ctx)
    window.show()
    app.processEvents()
    window.grab().save(str(out / "main_window.png"))

    dialog = MeldingDialog(ctx, window)
    dialog.show()
    dialog.bsn.setText("123456789")
    dialog.surname.setText("Steen")
    dialog.prefix.setText("van der")
    dialog.initials.setText("H.")
    dialog.postcode.setText("5341 SS")
    dialog.submit()
    app.processEvents()
    dialog.grab().save(str(out / "melding_dialog_errors.png"))
    dialog.done(0)

    panel = window.caseload
    panel.stage.setCurrentIndex(panel.stage.findData(Stage.ONDERZOEK))
    for row in range(panel.model.rowCount()):
        if panel.model.summary(row).on_hold:
            break
    window.open_case(panel.model.summary(row).case_id)
    app.processEvents()
    window.grab().save(str(out / "case_view.png"))
    ctx.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
