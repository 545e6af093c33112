"""A BASELINE, not backendkit's code: products CRUD as an idiomatic FastAPI + SQLAlchemy app.

What a FastAPI tutorial or template writes: ``response_model``, ``Depends(get_session)``,
an ORM session per request, ``skip``/``limit`` pages with a separate ``count(*)``, and
``commit`` + ``refresh`` after each write. benchmarks/service_sizes.py runs it on the same
table, server and workers as the generated service, as the peer the service is compared to.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

engine = create_async_engine(
    os.environ["DATABASE_URL"],
    pool_size=int(os.environ.get("DB_POOL_SIZE", "8")),
    max_overflow=0,
)
sessions = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Product(Base):
    __tablename__ = "products"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str]
    sku: Mapped[str] = mapped_column(unique=True)
    price: Mapped[Decimal]
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), default=_now, onupdate=_now
    )


class ProductIn(BaseModel):
    name: str
    sku: str
    price: Decimal


class ProductPatch(BaseModel):
    name: str | None = None
    sku: str | None = None
    price: Decimal | None = None


class ProductOut(ProductIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    total: int


async def get_session() -> AsyncIterator[AsyncSession]:
    async with sessions() as session:
        yield session


Session = Annotated[AsyncSession, Depends(get_session)]


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "pass"}


@app.get("/api/v1/products", response_model=ProductPage)
async def list_products(session: Session, skip: int = 0, limit: int = 20) -> ProductPage:
    query = sa.select(Product).order_by(Product.created_at.desc()).offset(skip).limit(limit)
    items = (await session.scalars(query)).all()
    total = await session.scalar(sa.select(sa.func.count()).select_from(Product))
    return ProductPage(items=[ProductOut.model_validate(i) for i in items], total=total or 0)


@app.post("/api/v1/products", response_model=ProductOut, status_code=201)
async def create_product(body: ProductIn, session: Session) -> Product:
    product = Product(**body.model_dump())
    session.add(product)
    await session.commit()
    await session.refresh(product)
    return product


async def _found(session: AsyncSession, id: uuid.UUID) -> Product:
    product = await session.get(Product, id)
    if product is None:
        raise HTTPException(404, "Product not found")
    return product


@app.get("/api/v1/products/{id}", response_model=ProductOut)
async def get_product(id: uuid.UUID, session: Session) -> Product:
    return await _found(session, id)


@app.put("/api/v1/products/{id}", response_model=ProductOut)
async def replace_product(id: uuid.UUID, body: ProductIn, session: Session) -> Product:
    product = await _found(session, id)
    for name, value in body.model_dump().items():
        setattr(product, name, value)
    await session.commit()
    await session.refresh(product)
    return product


@app.patch("/api/v1/products/{id}", response_model=ProductOut)
async def update_product(id: uuid.UUID, body: ProductPatch, session: Session) -> Product:
    product = await _found(session, id)
    for name, value in body.model_dump(exclude_unset=True).items():
        setattr(product, name, value)
    await session.commit()
    await session.refresh(product)
    return product


@app.delete("/api/v1/products/{id}", status_code=204)
async def delete_product(id: uuid.UUID, session: Session) -> Response:
    product = await _found(session, id)
    await session.delete(product)
    await session.commit()
    return Response(status_code=204)
