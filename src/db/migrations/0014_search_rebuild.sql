-- A rebuild of the search index beside the one searches use (`dangan reindex`): while one is
-- registered here, every record the search_sync job indexes into the live index is logged, so that
-- it is indexed again into the new index once that is in place (it may have been read before the
-- change). owner is the rebuilding process (host:pid:tag), so that a dead one's registration can be
-- cleared.
CREATE TABLE search_rebuilds (
  id bigserial PRIMARY KEY,
  owner text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE search_rebuild_log (
  record_id uuid PRIMARY KEY
);
