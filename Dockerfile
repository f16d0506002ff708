FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY xxgk xxgk
COPY loaders loaders
COPY db db
COPY api api
COPY checks checks
COPY synthetic synthetic
COPY migrations migrations
COPY samples samples
RUN pip install --no-cache-dir .
ENV XXGK_HOST=0.0.0.0 XXGK_PORT=8000
EXPOSE 8000
CMD ["sh", "-c", "xxgk migrate && xxgk serve"]
