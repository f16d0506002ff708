# The API image: xxgk and its locked dependencies in a virtual environment, run as an unprivileged user.
# No embedded PostgreSQL in it: DATABASE_URL points at a server (see docker-compose.yml).

# --- build: install into /opt/xxgk from requirements.lock ------------------------------------------------
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/xxgk
WORKDIR /src
COPY requirements.lock pyproject.toml ./
# The runtime dependencies first, at the lock's versions, with the OCR extra (scans; its models are in the
# rapidocr-onnxruntime wheel) and without the others (no embedded PostgreSQL, no test tools); this layer is
# rebuilt only when they change.
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print(*p['dependencies'], *p['optional-dependencies']['ocr'], sep='\n')" > /tmp/dependencies.txt \
    && /opt/xxgk/bin/pip install -c requirements.lock -r /tmp/dependencies.txt
COPY README.md LICENSE alembic.ini ./
COPY core core
COPY loaders loaders
COPY checks checks
COPY synthetic synthetic
COPY db db
COPY migrations migrations
COPY services services
COPY api api
COPY xxgk xxgk
RUN /opt/xxgk/bin/pip install --no-deps -c requirements.lock . && /opt/xxgk/bin/pip check

# --- run ---------------------------------------------------------------------------------------------------
FROM python:3.12-slim
# LibreOffice reads .doc and .wps; OpenCV (OCR) needs libGL and GLib
RUN apt-get update \
    && apt-get install -y --no-install-recommends libreoffice-writer-nogui libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --uid 10001 --user-group xxgk
COPY --from=build /opt/xxgk /opt/xxgk
WORKDIR /app
COPY --chown=xxgk:xxgk samples samples
ENV PATH=/opt/xxgk/bin:$PATH PYTHONUNBUFFERED=1 XXGK_HOST=0.0.0.0 XXGK_PORT=8000
USER xxgk
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
# Exec form: the server is PID 1 and receives SIGTERM itself. The schema is migrated by `xxgk migrate`
# first (the compose file's `migrate` service); serving refuses an unmigrated database in one line.
CMD ["xxgk", "serve"]
