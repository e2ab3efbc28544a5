"""a PostgreSQL function that appends leaves to the ledger in one statement

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06

On PostgreSQL an append took the size row's lock with one statement, computed the new subtrees
in Python, and wrote them with another: the lock was held through a round trip and two waits for
the GIL beside the server process's busy threads, and the other processes' record writers waited
through all of it (bench/RESULTS.md, load). `ledger_append` does the same work inside the
database: the reservation, the frontier, the completed subtrees (SHA-256 of 0x01 ‖ left ‖ right,
RFC 9162), the leaves, the nodes and the new frontier, in the one statement that calls it
(ledger/store.py). SQLite keeps the Python append. Nothing to do there.
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# The frontier of n leaves is one complete subtree per set bit of n, largest first: (level, index)
# with index = (n >> (level + 1)) << 1. Appending a leaf pushes it at level 0, and two subtrees of
# the same level at the top merge into one of the next, whose last leaf is the new one: the nodes
# an append completes, as ledger/store.py computes them. A subtree (level, index) is kept in
# ledger_node under index·2^(level+1) + 2^level − 1 (ledger/models.node_id), a leaf in ledger_leaf.
APPEND = r"""
CREATE OR REPLACE FUNCTION ledger_append(
    leaf_hashes bytea[], kinds varchar[], datas bytea[], files varchar[], times timestamptz[]
) RETURNS bigint
LANGUAGE plpgsql AS $fn$
DECLARE
    n integer := coalesce(array_length(leaf_hashes, 1), 0);
    new_size bigint;
    kept bytea;
    start_at bigint;
    levels integer[] := '{}';
    stack bytea[] := '{}';
    node_ids bigint[] := '{}';
    node_hashes bytea[] := '{}';
    pieces integer := 0;
    lvl integer;
    idx bigint;
    leaf bigint;
    h bytea;
    top integer;
    kept_frontier bytea;
BEGIN
    IF n = 0 THEN
        RAISE EXCEPTION 'ledger_append: no leaves';
    END IF;
    UPDATE ledger_tree SET size = size + n WHERE id = 1
        RETURNING ledger_tree.size, ledger_tree.frontier INTO new_size, kept;
    IF NOT FOUND THEN  -- a schema made without the migration's seed row
        INSERT INTO ledger_tree (id, size) VALUES (1, 0);
        UPDATE ledger_tree SET size = size + n WHERE id = 1
            RETURNING ledger_tree.size, ledger_tree.frontier INTO new_size, kept;
    END IF;
    start_at := new_size - n;
    FOR lvl IN REVERSE 62..0 LOOP
        IF ((start_at >> lvl) & 1) = 1 THEN
            pieces := pieces + 1;
        END IF;
    END LOOP;
    -- The kept frontier serves when it is kept for this size; else it is read from the tables.
    IF kept IS NOT NULL AND length(kept) = 8 + 32 * pieces
            AND ('x' || encode(substr(kept, 1, 8), 'hex'))::bit(64)::bigint = start_at THEN
        FOR lvl IN REVERSE 62..0 LOOP
            IF ((start_at >> lvl) & 1) = 1 THEN
                levels := levels || lvl;
                stack := stack || substr(kept, 9 + 32 * (array_length(levels, 1) - 1), 32);
            END IF;
        END LOOP;
    ELSE
        FOR lvl IN REVERSE 62..0 LOOP
            IF ((start_at >> lvl) & 1) = 1 THEN
                idx := (start_at >> (lvl + 1)) << 1;
                h := NULL;
                IF lvl = 0 THEN
                    SELECT l.leaf_hash INTO h FROM ledger_leaf l WHERE l.leaf_index = idx;
                ELSE
                    SELECT d.hash INTO h FROM ledger_node d
                        WHERE d.node_id = (idx << (lvl + 1)) + (1::bigint << lvl) - 1;
                END IF;
                IF h IS NULL THEN
                    RAISE EXCEPTION USING ERRCODE = 'XL001',
                        MESSAGE = format('账本缺少子树哈希（层 %s，序号 %s） / the ledger is '
                                         'missing the subtree hash at level %s, index %s',
                                         lvl, idx, lvl, idx);
                END IF;
                levels := levels || lvl;
                stack := stack || h;
            END IF;
        END LOOP;
    END IF;
    FOR k IN 1..n LOOP
        leaf := start_at + k - 1;
        levels := levels || 0;
        stack := stack || leaf_hashes[k];
        top := array_length(levels, 1);
        WHILE top >= 2 AND levels[top] = levels[top - 1] LOOP
            h := sha256('\x01'::bytea || stack[top - 1] || stack[top]);
            lvl := levels[top] + 1;
            levels := levels[1:top - 2] || lvl;
            stack := stack[1:top - 2] || h;
            node_ids := node_ids || (((leaf >> lvl) << (lvl + 1)) + (1::bigint << lvl) - 1);
            node_hashes := node_hashes || h;
            top := top - 1;
        END LOOP;
    END LOOP;
    kept_frontier := decode(lpad(to_hex(new_size), 16, '0'), 'hex');
    FOR k IN 1..coalesce(array_length(stack, 1), 0) LOOP
        kept_frontier := kept_frontier || stack[k];
    END LOOP;
    INSERT INTO ledger_leaf (leaf_index, leaf_hash, kind, data, file_sha256, created_at)
        SELECT start_at + t.ord - 1, t.lh, t.lk, t.ld, t.lf, t.lc
        FROM unnest(leaf_hashes, kinds, datas, files, times)
            WITH ORDINALITY AS t(lh, lk, ld, lf, lc, ord);
    IF array_length(node_ids, 1) > 0 THEN
        INSERT INTO ledger_node (node_id, hash) SELECT * FROM unnest(node_ids, node_hashes);
    END IF;
    UPDATE ledger_tree SET frontier = kept_frontier WHERE id = 1;
    RETURN start_at;
END
$fn$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS ledger_append(bytea[], varchar[], bytea[], varchar[], "
            "timestamptz[])"
        )
