"""Error reports from readers to a dataset's maintainers (see docs/error-reports.md).

:mod:`.submit` stores a report (after :mod:`.spam`'s checks of a form), :mod:`.inbox` lists
reports and changes their status, :mod:`.notify` sends the emails; :mod:`.model` is what they
hand out.
"""
