"""Who is asking: every service call carries an :class:`Identity`.

Today there are two: anyone on the web (``ANONYMOUS``) and the site's operator at the command
line (``OPERATOR``). Accounts and API tokens will add users; what each may see and do is
decided only in :mod:`holotype.services.policy`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ANONYMOUS = "anonymous"  # anyone on the web
    OPERATOR = "operator"  # the command line on the site's own machine


@dataclass(frozen=True)
class Identity:
    kind: Kind
    name: str = ""  # a user's or token's id, once accounts arrive

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}" if self.name else str(self.kind)


ANONYMOUS = Identity(Kind.ANONYMOUS)
OPERATOR = Identity(Kind.OPERATOR)
