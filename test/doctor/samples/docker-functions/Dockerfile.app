FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gosu && useradd -r app
COPY start-app.sh /usr/local/bin/start-app.sh
COPY server.js /srv/server.js
ENTRYPOINT ["/usr/local/bin/start-app.sh"]
CMD ["--port", "8080"]
