-- The tamper-evident ledger (issue 6, item 5): an append-only Merkle log of every event, in the
-- manner of RFC 9162, with signed checkpoints. docs/LEDGER.md describes the algorithm and formats.
-- Forward-only: never edit this file once released; add a new numbered migration instead.

-- Which transaction wrote each event. The sequencer (ledger.sequencer.ts) appends events only once
-- every transaction older than them has ended, in (tx, id) order, so an event whose transaction
-- commits late is never skipped. Rows written before this migration share the migration's xid.
ALTER TABLE events ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX events_tx_id ON events (tx, id);

-- One row: the ledger's hash algorithm (fixed at creation), its origin name, its size, and how far
-- the sequencer has read the events table.
CREATE TABLE ledger_state (
  id int PRIMARY KEY CHECK (id = 1),
  hash_algorithm text NOT NULL CHECK (hash_algorithm IN ('sha256', 'sm3')),
  origin text NOT NULL,
  tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  last_tx xid8 NOT NULL DEFAULT '0',
  last_event_id bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The leaves: seq is the leaf index (0-based, gapless); entry is the canonical entry bytes whose
-- leaf hash is H(0x00 || entry). record_id is copied out of the entry so that a record's proofs
-- come from the ledger alone, whatever happened to the events table since.
CREATE TABLE ledger_entries (
  seq bigint PRIMARY KEY CHECK (seq >= 0),
  event_id bigint NOT NULL UNIQUE,
  record_id uuid,
  entry bytea NOT NULL
);
CREATE INDEX ledger_entries_record ON ledger_entries (record_id, seq) WHERE record_id IS NOT NULL;

-- Hashes of the perfect, aligned subtrees: (level L, idx i) covers leaves [i·2^L, (i+1)·2^L); level
-- 0 holds the leaf hashes. About two rows per entry; any root or proof needs O(log n) of them.
CREATE TABLE ledger_nodes (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Public halves of the keys that signed checkpoints (the private key stays in the data folder).
CREATE TABLE ledger_keys (
  key_id text PRIMARY KEY,
  algorithm text NOT NULL CHECK (algorithm IN ('ed25519', 'sm2')),
  public_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Signed checkpoints: body is the exact signed text (it names origin, hash, size, root and time).
CREATE TABLE ledger_checkpoints (
  tree_size bigint PRIMARY KEY CHECK (tree_size > 0),
  root_hash bytea NOT NULL,
  signed_at timestamptz NOT NULL,
  key_id text NOT NULL REFERENCES ledger_keys (key_id),
  body text NOT NULL,
  signature bytea NOT NULL
);
