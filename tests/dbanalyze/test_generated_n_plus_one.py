"""A generated service with an N+1 endpoint added: ``loadtest --analyze-db`` names its query."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests.dbanalyze.conftest import Server, new_database
from tests.dbanalyze.test_project import SHOP
from tests.e2e.live_server import running_service
from tests.e2e.venv import ensure_venv, requirements_of
from tests.migrate.support import new_project

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
SHOPS = 6

# Reviews loaded one shop at a time: the loop an ORM relationship hides.
DIGEST = '''"""Review counts per shop, loaded the slow way (one query per shop)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.database import get_session
from app.review.models import Review
from app.shop.models import Shop

router = APIRouter(prefix="/digests", tags=["digests"])


@router.get("")
async def digest(session: Annotated[AsyncSession, Depends(get_session)]) -> dict[str, int]:
    """Each shop's number of reviews."""
    shops = (await session.scalars(select(Shop).order_by(Shop.name).limit(6))).all()
    counts: dict[str, int] = {}
    for shop in shops:
        reviews = await session.scalars(select(Review).where(Review.shop_id == shop.id))
        counts[shop.name] = len(reviews.all())
    return counts
'''


@pytest.mark.usefixtures("statements_available")
def test_n_plus_one_endpoint_of_a_generated_service(
    tmp_path: Path, server: Server, scratch_databases: list[str]
) -> None:
    # The clean project's answers: the same cached environment serves both tests.
    project = new_project(tmp_path, *SHOP, "--deploy", "docker")
    added = subprocess.run(
        [sys.executable, "-m", "backendkit", "add", "resource", "review", "shop:ref(shop)",
         "rating:int"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    (project / "app" / "digest").mkdir()
    (project / "app" / "digest" / "__init__.py").write_text("")
    (project / "app" / "digest" / "router.py").write_text(DIGEST)
    url = new_database(server, scratch_databases, "bk_analyze_n1")
    venv = ensure_venv(requirements_of(project))
    asyncpg_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
    with running_service(venv, project, asyncpg_url) as base:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO shops (id, name, sku, price) SELECT gen_random_uuid(), "
                "'shop ' || g, 'sku-' || g, 1.5 FROM generate_series(1, %s) g",
                (SHOPS,),
            )
            conn.execute(
                "INSERT INTO reviews (id, shop_id, rating) SELECT gen_random_uuid(), id, 5 "
                "FROM shops"
            )
        result = subprocess.run(
            [sys.executable, "-m", "backendkit", "loadtest", f"{base}/api/v1/digests",
             "--rps", "40", "-n", "40", "-c", "8", "--analyze-db", "--database-url", url,
             "--json", "-"],
            capture_output=True, text=True, check=False, timeout=120,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    summary = json.loads(result.stdout[: result.stdout.rindex("}") + 1])
    assert summary["status_codes"] == {"200": 40}
    found = summary["n_plus_one"]
    assert [f["evidence"]["per_request"] for f in found] == [SHOPS], found
    assert "FROM reviews" in found[0]["evidence"]["query"]
    assert "WHERE reviews.shop_id = $1" in found[0]["evidence"]["query"]
