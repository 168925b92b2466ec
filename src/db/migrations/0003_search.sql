-- Search: the index beside the database is kept in step through an outbox. Triggers note every
-- record whose searchable content changed (metadata, level, organisation, deletion, a new text or
-- OCR component), whatever module made the change, and queue one `search_sync` job that indexes
-- the noted records in batches. The index can always be rebuilt from the database (dangan reindex).
CREATE TABLE search_pending (
  record_id uuid PRIMARY KEY,
  -- bumped on every change, so that a change made while a batch was being indexed is not lost
  seq bigserial NOT NULL
);
CREATE INDEX search_pending_seq ON search_pending (seq);
CREATE INDEX jobs_queued_kind ON jobs (kind) WHERE state = 'queued';

CREATE FUNCTION search_note(rec uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_pending (record_id) VALUES (rec)
    ON CONFLICT (record_id) DO UPDATE SET seq = nextval(pg_get_serial_sequence('search_pending', 'seq'));
  IF NOT EXISTS (SELECT 1 FROM jobs WHERE kind = 'search_sync' AND state = 'queued') THEN
    INSERT INTO jobs (kind, state, max_attempts) VALUES ('search_sync', 'queued', 100);
  END IF;
END $$;

CREATE FUNCTION search_note_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM search_note(OLD.id);
  ELSE
    PERFORM search_note(NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION search_note_component() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.role IN ('text', 'ocr_text', 'original') THEN PERFORM search_note(OLD.record_id); END IF;
  ELSIF NEW.role IN ('text', 'ocr_text', 'original') THEN
    PERFORM search_note(NEW.record_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER records_search_note AFTER INSERT OR UPDATE OR DELETE ON records
  FOR EACH ROW EXECUTE FUNCTION search_note_record();
CREATE TRIGGER components_search_note AFTER INSERT OR DELETE ON components
  FOR EACH ROW EXECUTE FUNCTION search_note_component();

-- Moving an organisation changes the path of its records; re-ranking a secrecy level changes who
-- may see its records. Both are rare and touch every record concerned.
CREATE FUNCTION search_note_organisation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_note(r.id) FROM records r WHERE r.organisation_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER organisations_search_note AFTER UPDATE OF path ON organisations
  FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION search_note_organisation();

CREATE FUNCTION search_note_level() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_note(r.id) FROM records r WHERE r.secrecy_level = NEW.code;
  RETURN NULL;
END $$;
CREATE TRIGGER secrecy_levels_search_note AFTER UPDATE OF rank ON secrecy_levels
  FOR EACH ROW WHEN (OLD.rank IS DISTINCT FROM NEW.rank) EXECUTE FUNCTION search_note_level();

-- Associative search: records linked by the identifiers given with them (项目代码, 统一社会信用代码,
-- 申请人, 办件编号) are found through these expression indexes.
CREATE INDEX records_extra_project_code ON records ((extra->>'projectCode')) WHERE extra ? 'projectCode';
CREATE INDEX records_extra_credit_code ON records ((extra->>'creditCode')) WHERE extra ? 'creditCode';
CREATE INDEX records_extra_applicant ON records ((extra->>'applicant')) WHERE extra ? 'applicant';
CREATE INDEX records_extra_case_no ON records ((extra->>'caseNo')) WHERE extra ? 'caseNo';
