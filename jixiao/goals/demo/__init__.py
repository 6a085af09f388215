"""The demo district's review season: a goal sheet for every project of the current year and a
department (部门整体) sheet for every top-level unit, as they stand in late November.

Sheets are written as the units write them (``writer``), about a third with the defects the
渌口区 report lists (``defects``), reviewed by the real engine with the region's rule set and
library, and moved through the workflow as the services would have moved them (``season``):
each step an ``Event`` by the right person (the unit's editor and leader, the section's reviewer,
the office), each submission a ``Snapshot``, each return with per-indicator ``Comment``s taken
from the findings. A sheet with an error is never past draft or returned; one approved with
warnings carries the unit's justification and the grade 良. Everything is written in bulk, with
one audit entry.
"""

from jixiao.goals.demo.build import build_goals_demo

__all__ = ["build_goals_demo"]
