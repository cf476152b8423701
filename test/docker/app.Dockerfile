# Test-only: rehearse's image extended with a project's Python requirements, the
# way the README tells teams to (here from wheels, as no package index is reachable).
ARG REHEARSE_IMAGE
FROM ${REHEARSE_IMAGE}
USER root
COPY wheels /tmp/wheels
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install -q --no-index --find-links /tmp/wheels django 'psycopg[binary]' && rm -rf /tmp/wheels
USER rehearse
