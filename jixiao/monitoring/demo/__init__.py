"""The demo district's in-year monitoring: the 1–8 month round over every project with an
approved goal sheet and the 重点监控 round over the seed's four projects (一(三) of the district's
work report), as they stand in late November.

Units report progress consistent with their payments (``writing``), some on their own payment
plans; reports are in every workflow state; the key reports carry field-check notes and real
evidence files (``files``); finance has decided on some warned projects, of every kind, some
answered, some closed, some overdue. Rounds, plans, the calendar, the key reports and the
decisions go through the services; the general round's reports are written in bulk with one
audit entry (``build``).
"""

from jixiao.monitoring.demo.build import build_monitoring_demo

__all__ = ["build_monitoring_demo"]
