"""The demo district's key evaluations (财政重点评价) and the agencies that carried them out.

Three agencies from the office's registry, each with an evaluator (``dsf`` of 湖南湘江, and
``dsf2``, ``dsf3`` made here). The seed report's 2022 round (渌财通【2023】23号: 农村公路安防,
路灯维护, 生活垃圾收集和压缩, 养老机构运营补贴和公办养老院运转经费, 农产品质量安全抽检专项)
and the 2023 round the rectification demo quotes (营养改善计划 81.5 分, 华新水泥垃圾处置费 84 分,
both by 湖南湘江) are rated, one after its report was sent back once; this year's 事中评价 stand
in every state. Scores are written item by item with the evaluator's notes (``writing``); every
step goes through the services with its audit entry and is then dated (``build``).
"""

from jixiao.keyeval.demo.build import build_keyeval_demo, logins_text

__all__ = ["build_keyeval_demo", "logins_text"]
