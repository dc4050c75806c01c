"""Child process for the crash test: types into a conversation until it is killed.

Usage: python -m tests.ui.typist PROFILE_DIR CASE_ID
Prints ``<characters typed> <monotonic time>`` after every keystroke.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from tests.fakes import passphrase_keys
from wmo_desk.services.context import AppContext
from wmo_desk.ui.conversation_view import ConversationWizard


def main() -> None:
    folder, case_id = Path(sys.argv[1]), sys.argv[2]
    app = QApplication([])
    ctx = AppContext.open(folder, backup=False, keys=passphrase_keys(folder))
    conversation, form = ctx.conversation.for_case(case_id)
    wizard = ConversationWizard(ctx, conversation, form)
    wizard.show()
    editor = next(
        w.editor
        for w in wizard.widgets.values()
        if isinstance(w.editor, QPlainTextEdit) and w.isVisible()
    )
    editor.setFocus()
    typed = 0

    def key() -> None:
        nonlocal typed
        QTest.keyClicks(editor, "x")
        typed += 1
        print(typed, time.monotonic(), flush=True)

    timer = QTimer()
    timer.timeout.connect(key)
    timer.start(25)
    app.exec()


if __name__ == "__main__":
    main()
