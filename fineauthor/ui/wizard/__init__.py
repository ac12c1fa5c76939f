"""The first-fine-tune wizard: plain questions that end in a ready project.

``FirstFineTuneWizard`` is imported on first use, so the start page can ask about a draft
(:func:`find_draft`) without loading the wizard's pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fineauthor.ui.wizard.draft import DraftInfo, find_draft

if TYPE_CHECKING:
    from fineauthor.ui.wizard.wizard import FirstFineTuneWizard

__all__ = ["DraftInfo", "FirstFineTuneWizard", "find_draft"]


def __getattr__(name: str) -> Any:
    if name == "FirstFineTuneWizard":
        from fineauthor.ui.wizard.wizard import FirstFineTuneWizard

        return FirstFineTuneWizard
    raise AttributeError(name)
