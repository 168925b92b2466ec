-- How many blobs are stored and their bytes, kept as the blobs come and go, for the status page
-- (which an archivist's home page shows): summing the blobs table took 508 ms at 3,000,000 blobs
-- on the embedded database, every other statement waiting. Sixteen rows chosen by the first hex
-- digit of the blob's hash, so that concurrent ingests on a PostgreSQL server rarely wait for one
-- another's row; the status sums the sixteen.
CREATE TABLE blob_totals (
  shard int PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
  blobs bigint NOT NULL DEFAULT 0,
  bytes bigint NOT NULL DEFAULT 0,
  stored_bytes bigint NOT NULL DEFAULT 0
);
-- The shard of a blob: the first hex digit of its hash.
CREATE FUNCTION blob_shard(sha256 text) RETURNS int LANGUAGE sql IMMUTABLE
  RETURN position(substr(sha256, 1, 1) IN '0123456789abcdef') - 1;

INSERT INTO blob_totals (shard, blobs, bytes, stored_bytes)
SELECT s.shard, count(b.sha256), coalesce(sum(b.size), 0), coalesce(sum(b.stored_size), 0)
  FROM generate_series(0, 15) AS s (shard)
  LEFT JOIN blobs b ON blob_shard(b.sha256) = s.shard
 GROUP BY s.shard;

-- A change counts as the old row leaving and the new one arriving.
CREATE FUNCTION blob_totals_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE blob_totals SET blobs = blobs - 1, bytes = bytes - OLD.size, stored_bytes = stored_bytes - OLD.stored_size
     WHERE shard = blob_shard(OLD.sha256);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE blob_totals SET blobs = blobs + 1, bytes = bytes + NEW.size, stored_bytes = stored_bytes + NEW.stored_size
     WHERE shard = blob_shard(NEW.sha256);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER blobs_totals AFTER INSERT OR DELETE OR UPDATE OF sha256, size, stored_size ON blobs
  FOR EACH ROW EXECUTE FUNCTION blob_totals_follow();
