"""The base of every request model: `problems()` → `validate()` → `to_body()`.

`to_body()` validates first, so an invalid body is never built and nothing invalid reaches the
network. Subclasses list problems with the checks in `_checks.py` and the catalog.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ltxstudio.api._checks import (
    Problems,
)
from ltxstudio.api._errors import FieldProblem, RequestValidationError
from ltxstudio.core import catalog
from ltxstudio.core.catalog import Endpoint, Model


class RequestBase:
    endpoint: ClassVar[Endpoint]

    def problems(self) -> list[FieldProblem]:
        raise NotImplementedError

    def _body(self) -> dict[str, Any]:
        raise NotImplementedError

    def validate(self) -> None:
        """Raise `RequestValidationError` (first bad field, allowed values) if this cannot work."""
        problems = self.problems()
        if problems:
            raise RequestValidationError(problems)

    def to_body(self) -> dict[str, Any]:
        """The JSON body for `/v1/<endpoint>` or `/v2/<endpoint>`; validates first."""
        self.validate()
        return self._body()


def check_model(out: Problems, endpoint: Endpoint, model: object) -> Model | None:
    allowed = tuple(m.value for m in catalog.ENDPOINT_MODELS[endpoint])
    problem = catalog.model_problem(endpoint, str(model))
    if problem is not None:
        out.append(FieldProblem("model", problem, allowed))
        return None
    return Model(str(model))
