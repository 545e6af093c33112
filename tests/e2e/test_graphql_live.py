"""A real server of a ``--api rest,graphql`` project answers GraphQL over HTTP."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import GeneratedProject, ProjectVenv
from tests.e2e.live_auth import access_token
from tests.e2e.live_server import request as send
from tests.e2e.live_server import running_service

pytestmark = pytest.mark.e2e
PROJECT = "graphql-catalog"

CREATE_CATEGORY = """
mutation Create($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id name } errors { field message code } }
}
"""
CREATE_PRODUCT = """
mutation Create($input: CreateProductInput!) {
  createProduct(input: $input) { product { id status category { name } } errors { code } }
}
"""
CREATE_WISH = """
mutation Create($input: CreateWishInput!) {
  createWish(input: $input) { wish { id } errors { code } }
}
"""
NESTED = """
query Nested($id: ID!) {
  category(id: $id) {
    name
    products(first: 5) {
      edges { node { title category { name } reviews(first: 3) { edges { node { id } } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def test_graphql_over_http(
    generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    project = generated(PROJECT)
    database = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    with running_service(project_venv(project), project, database) as base:
        endpoint = f"{base}/graphql"
        alice = {"Authorization": f"Bearer {access_token(base)}"}
        bob = {"Authorization": f"Bearer {access_token(base, 'bob@example.com')}"}

        def graphql(query: str, headers: dict[str, str], **variables: Any) -> dict[str, Any]:
            reply = send("POST", endpoint, {"query": query, "variables": variables}, headers)
            assert reply.status == 200, reply.body
            assert reply.headers["X-Request-ID"]
            body: dict[str, Any] = reply.body
            return body

        made = graphql(CREATE_CATEGORY, alice, input={"name": "Lamps"})["data"]["createCategory"]
        assert made["errors"] == []
        category = made["category"]
        product_input = {
            "categoryId": category["id"],
            "title": "abc",
            "externalId": "0b6f5c5e-8a4f-4b8a-9a53-2d5b6c1f0e11",
            "status": "IN_REVIEW",
        }
        product = graphql(CREATE_PRODUCT, alice, input=product_input)["data"]["createProduct"]
        assert product["errors"] == []
        assert product["product"]["status"] == "IN_REVIEW"
        assert product["product"]["category"] == {"name": "Lamps"}

        # The REST unique rule, as a payload error with the REST code.
        again = graphql(CREATE_CATEGORY, alice, input={"name": "Lamps"})["data"]["createCategory"]
        assert again == {
            "category": None,
            "errors": [{"field": "name", "message": "already exists", "code": "CONFLICT"}],
        }

        nested = graphql(NESTED, alice, id=category["id"])
        assert "errors" not in nested, nested
        products = nested["data"]["category"]["products"]
        assert [e["node"]["title"] for e in products["edges"]] == ["abc"]
        assert products["edges"][0]["node"]["category"] == {"name": "Lamps"}
        assert products["pageInfo"]["hasNextPage"] is False

        # Owned rows: another user's is null by id and absent from the connection.
        wish = graphql(CREATE_WISH, alice, input={"title": "a lamp"})["data"]["createWish"]
        wish_id = wish["wish"]["id"]
        one = "query One($id: ID!) { wish(id: $id) { id } }"
        assert graphql(one, alice, id=wish_id)["data"] == {"wish": {"id": wish_id}}
        assert graphql(one, bob, id=wish_id)["data"] == {"wish": None}
        listed = graphql("{ wishes { edges { node { id } } } }", bob)
        assert listed["data"]["wishes"]["edges"] == []

        anonymous = graphql("{ categories { edges { cursor } } }", {})
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"
        # Development serves GraphiQL, as it serves /docs.
        page = urllib.request.Request(endpoint, headers={"Accept": "text/html"})
        with urllib.request.urlopen(page, timeout=10) as response:
            assert "graphiql" in response.read().decode().lower()


def test_check_compares_the_schema_file_with_the_code(
    generated: GeneratedProject, project_venv: ProjectVenv, tmp_path: Path
) -> None:
    project = generated(PROJECT)
    python = str(project_venv(project).python)
    copy = tmp_path / PROJECT
    shutil.copytree(project, copy)

    def check() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "backendkit", "check", "--no-diff"],
            cwd=copy,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1", "BACKENDKIT_PROJECT_PYTHON": python},
            check=False,
        )

    # As generated (rendered without importing the project): Strawberry prints the same.
    passed = check()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    schema = copy / "schema.graphql"
    schema.write_text(schema.read_text().replace("totalCount: Int!", "total: Int!", 1))
    failed = check()
    assert failed.returncode == 1
    assert "schema.graphql: differs from what the code serves" in failed.stdout
