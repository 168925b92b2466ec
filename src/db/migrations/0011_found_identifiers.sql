-- Identifiers found in a record's text by field extraction (the classify job writes them into
-- classify_suggestions.fields) join those given with the record: search indexes them for exact
-- look-up, and associative search links records through them (the same project code or credit code
-- in the text of one record and the metadata or text of another). Only values whose check holds
-- (valid) are used; resident ids and phone numbers never are.
CREATE TABLE record_found_identifiers (
  record_id uuid NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('projectCode', 'creditCode', 'permitNumber', 'docNumber')),
  value text NOT NULL CHECK (length(value) BETWEEN 1 AND 100),
  PRIMARY KEY (record_id, kind, value)
);
CREATE INDEX record_found_identifiers_value ON record_found_identifiers (kind, value);

CREATE FUNCTION found_identifiers_from(rec uuid, fields jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM record_found_identifiers WHERE record_id = rec;
  INSERT INTO record_found_identifiers (record_id, kind, value)
    SELECT rec, f->>'field', f->>'value'
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(fields) = 'array' THEN fields ELSE '[]'::jsonb END) AS f
     WHERE f->>'field' IN ('projectCode', 'creditCode', 'permitNumber', 'docNumber')
       AND (f->>'valid')::boolean IS TRUE
       AND length(f->>'value') BETWEEN 1 AND 100
    ON CONFLICT DO NOTHING;
END $$;

CREATE FUNCTION found_identifiers_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM found_identifiers_from(NEW.record_id, NEW.fields);
  PERFORM search_note(NEW.record_id);
  RETURN NULL;
END $$;
CREATE TRIGGER classify_suggestions_found_identifiers AFTER INSERT OR UPDATE OF fields ON classify_suggestions
  FOR EACH ROW EXECUTE FUNCTION found_identifiers_note();

-- Suggestions written before this migration.
SELECT found_identifiers_from(record_id, fields) FROM classify_suggestions;
