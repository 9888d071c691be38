"""Knowledge base, forum and the search index (FTS5 on SQLite, a GIN-indexed tsvector on
PostgreSQL, both over tokens made in Python).

Revision ID: 0008_kb
Revises: 0007_merge
Create Date: 2026-11-29 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0008_kb'
down_revision: str | Sequence[str] | None = '0007_merge'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)

# The full-text structures beside search_doc (written out: a revision never changes).
SQLITE_DDL = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, filters, content='search_doc', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    'CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN INSERT INTO search_fts(rowid, title, body, filters) VALUES (new.id, new.title_tokens, new.body_tokens, new.filters); END',
    "CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN INSERT INTO search_fts(search_fts, rowid, title, body, filters) VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.filters); END",
    "CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN INSERT INTO search_fts(search_fts, rowid, title, body, filters) VALUES ('delete', old.id, old.title_tokens, old.body_tokens, old.filters); INSERT INTO search_fts(rowid, title, body, filters) VALUES (new.id, new.title_tokens, new.body_tokens, new.filters); END",
]
SQLITE_DROP = [
    'DROP TRIGGER IF EXISTS search_doc_au',
    'DROP TRIGGER IF EXISTS search_doc_ad',
    'DROP TRIGGER IF EXISTS search_doc_ai',
    'DROP TABLE IF EXISTS search_fts',
]
PG_DDL = [
    "ALTER TABLE search_doc ADD COLUMN tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A') || setweight(to_tsvector('simple', coalesce(body_tokens, '')), 'B') || setweight(to_tsvector('simple', coalesce(filters, '')), 'D')) STORED",
    'CREATE INDEX ix_search_doc_tsv ON search_doc USING gin (tsv)',
]
PG_DROP = [
    'DROP INDEX IF EXISTS ix_search_doc_tsv',
    'ALTER TABLE search_doc DROP COLUMN IF EXISTS tsv',
]


def upgrade() -> None:
    """Create the knowledge base's, the forum's and the search's tables."""
    op.create_table('kb_article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('symptom', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('tags', JSON, nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('source_request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('updated_at', TIME, nullable=False),
    sa.Column('published_at', TIME, nullable=True),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Integer(), nullable=False),
    sa.Column('not_helpful', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_kb_article_author_id_user_account')),
    sa.ForeignKeyConstraint(['source_request_id'], ['service_request.id'], name=op.f('fk_kb_article_source_request_id_service_request'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article'))
    )
    op.create_index('ix_kb_article_status_category', 'kb_article', ['status', 'category'], unique=False)
    op.create_index(op.f('ix_kb_article_source_request_id'), 'kb_article', ['source_request_id'], unique=False)
    op.create_table('kb_article_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('symptom', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('tags', JSON, nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('changes', JSON, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_article_version_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_kb_article_version_author_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_article_version')),
    sa.UniqueConstraint('article_id', 'number', name=op.f('uq_kb_article_version_article_id'))
    )
    op.create_table('kb_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_attachment_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_kb_attachment_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_attachment')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_kb_attachment_stored_name'))
    )
    op.create_index(op.f('ix_kb_attachment_article_id'), 'kb_attachment', ['article_id'], unique=False)
    op.create_table('kb_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_vote_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_kb_vote_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_vote')),
    sa.UniqueConstraint('article_id', 'user_id', name=op.f('uq_kb_vote_article_id'))
    )
    op.create_table('kb_deflection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('query', sa.Text(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_kb_deflection_article_id_kb_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_kb_deflection_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_deflection'))
    )
    op.create_index(op.f('ix_kb_deflection_article_id'), 'kb_deflection', ['article_id'], unique=False)
    op.create_index(op.f('ix_kb_deflection_created_at'), 'kb_deflection', ['created_at'], unique=False)
    op.create_index(op.f('ix_kb_deflection_user_id'), 'kb_deflection', ['user_id'], unique=False)
    op.create_table('forum_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('board', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('last_post_at', TIME, nullable=False),
    sa.Column('reply_count', sa.Integer(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('answered', sa.Boolean(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_id'], ['kb_article.id'], name=op.f('fk_forum_thread_article_id_kb_article'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_forum_thread_author_id_user_account')),
    sa.ForeignKeyConstraint(['request_id'], ['service_request.id'], name=op.f('fk_forum_thread_request_id_service_request'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_thread'))
    )
    op.create_index('ix_forum_thread_board_last_post_at', 'forum_thread', ['board', 'last_post_at'], unique=False)
    op.create_table('forum_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', TIME, nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_forum_post_author_id_user_account')),
    sa.ForeignKeyConstraint(['thread_id'], ['forum_thread.id'], name=op.f('fk_forum_post_thread_id_forum_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_post'))
    )
    op.create_index(op.f('ix_forum_post_thread_id'), 'forum_post', ['thread_id'], unique=False)
    op.create_table('search_doc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('title_tokens', sa.Text(), nullable=False),
    sa.Column('body_tokens', sa.Text(), nullable=False),
    sa.Column('filters', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('updated_at', TIME, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_doc')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_doc_kind'))
    )
    # The full-text structures beside the table (not models): see hdcore.models.search.
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DDL, "postgresql": PG_DDL}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    """Drop them again (the full-text structures first)."""
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(dialect, []):
        op.execute(statement)
    op.drop_table('search_doc')
    op.drop_index(op.f('ix_forum_post_thread_id'), table_name='forum_post')
    op.drop_table('forum_post')
    op.drop_index('ix_forum_thread_board_last_post_at', table_name='forum_thread')
    op.drop_table('forum_thread')
    op.drop_index(op.f('ix_kb_deflection_user_id'), table_name='kb_deflection')
    op.drop_index(op.f('ix_kb_deflection_created_at'), table_name='kb_deflection')
    op.drop_index(op.f('ix_kb_deflection_article_id'), table_name='kb_deflection')
    op.drop_table('kb_deflection')
    op.drop_table('kb_vote')
    op.drop_index(op.f('ix_kb_attachment_article_id'), table_name='kb_attachment')
    op.drop_table('kb_attachment')
    op.drop_table('kb_article_version')
    op.drop_index(op.f('ix_kb_article_source_request_id'), table_name='kb_article')
    op.drop_index('ix_kb_article_status_category', table_name='kb_article')
    op.drop_table('kb_article')
