# listener: the daemon and its web app in one container (docs: README "Running it in a container").
# Not built on the machine this was written on (no Docker engine there): kept to conventional,
# lint-clean instructions. Build: docker build -t listener .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LISTENER_CONFIG=/config/settings.yaml

# A fixed uid/gid, so a bind-mounted /data can be chowned to it on the host (10001:10001).
RUN groupadd --system --gid 10001 listener \
    && useradd --system --uid 10001 --gid listener --home-dir /app --shell /usr/sbin/nologin listener

WORKDIR /app
# The web pages and reply templates are read from the source tree (templates/, static/ beside
# the packages), so the project is installed in place (editable) rather than into site-packages.
COPY pyproject.toml README.md ./
COPY listener ./listener
COPY alerts ./alerts
COPY templates ./templates
COPY static ./static
RUN pip install --editable . \
    && mkdir -p /data /config \
    && chown listener:listener /data

USER listener
# The SQLite file (fetch state, alerts, outbox; the mentions too without Elasticsearch) lives
# here: point storage.sqlite at /data/listener.db in the mounted settings file.
VOLUME ["/data"]
# web.port's default; web.host must be 0.0.0.0 in the settings for the port to be reachable.
EXPOSE 8650

# /healthz answers any Host and needs no sign-in. No curl in the slim image: Python's urllib.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8650/healthz', timeout=4)"]

# Exec form: the daemon is PID 1 and gets SIGTERM itself (it stops polling, flushes, exits).
# Other commands run the same image: docker compose run --rm listener users add NAME --role admin
ENTRYPOINT ["listener"]
CMD ["run"]
