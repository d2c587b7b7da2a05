# The same install as the README's first command: the package and its console script, SQLite by default.
FROM python:3.11-slim
WORKDIR /srv/quizzes
COPY pyproject.toml README.md ./
COPY app ./app
COPY problems ./problems
COPY templates ./templates
COPY static ./static
RUN python -m pip install --no-cache-dir .
ENV QUIZ_DATA_DIR=/srv/quizzes/data
EXPOSE 8000
CMD ["quizzes", "serve", "--host", "0.0.0.0", "--port", "8000"]
