"""The demo district's rectification (整改) items, as they stand today.

From the 2023 self-evaluation: an item for every form finance's re-check found 自评失真 and for
most accepted 差 and some 中 forms, each drawn from what the form reported (targets missed and the
unit's reasons, money left unspent), raised by the office in May–June 2024 and nearly all closed
long ago, some after one return. From this year's monitoring: an item for each decision that
calls for correction (纠偏, 暂缓拨款, 停止执行), raised by whoever decided and standing as the
decision does, some open and overdue. And a few from a key evaluation, audit findings and a
subsidy check, so every source appears. Texts are in ``writing``; the items, their evidence and
one audit entry are written in bulk (``build``).
"""

from jixiao.rectification.demo.build import build_rectification_demo

__all__ = ["build_rectification_demo"]
