"""The demo district's 2023 self-evaluation (绩效自评) season, as it stood in late April 2024.

Last year's goal sheets are written by the goals demo's writer for 2023 and stand approved;
the office's round gives every approved sheet a form (as ``services.round_open`` would); each
unit writes its actuals from its targets by how its year went (``writing``): most met or a
little beyond, some short with the reasons a unit's accountant gives, a few far beyond with an
explanation, some qualitative indicators only partly reached. Forms are in every workflow state
with their steps by the unit's editor and leader and the finance section; those still with the
unit keep the defects real forms have. The real scorer scores every form with the round's
rules; finance re-checks a sample and finds a few 自评失真. Everything is written in bulk with one
audit entry (``build``).
"""

from jixiao.evaluation.demo.build import build_evaluation_demo

__all__ = ["build_evaluation_demo"]
