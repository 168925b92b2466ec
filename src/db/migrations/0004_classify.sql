-- Classification: extracted fields and class suggestions per record, the review queue, reviewed
-- labels kept as training examples, and the trained model versions with their evaluation figures.

-- Model versions. The weights live in <data>/classify/models/v<version>/ (see classify.store.ts);
-- exactly one version is active at a time, and rolling back activates an older one.
CREATE TABLE classify_models (
  version serial PRIMARY KEY,
  labels jsonb NOT NULL,
  training_size int NOT NULL CHECK (training_size >= 0),
  eval jsonb,
  bytes bigint NOT NULL,
  active boolean NOT NULL DEFAULT false,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX classify_models_one_active ON classify_models (active) WHERE active;

-- One suggestion per record, replaced when the record is classified again.
CREATE TABLE classify_suggestions (
  record_id uuid PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
  model_version int REFERENCES classify_models (version),
  fields jsonb NOT NULL DEFAULT '[]'::jsonb,
  label text,
  class_id uuid REFERENCES classes (id),
  confidence real CHECK (confidence BETWEEN 0 AND 1),
  top jsonb NOT NULL DEFAULT '[]'::jsonb,
  year int CHECK (year BETWEEN 1000 AND 9999),
  organisation_id uuid REFERENCES organisations (id),
  retention_code text REFERENCES retention_periods (code),
  -- review: below the threshold, waiting for a person; accepted: above it; confirmed / corrected: reviewed
  status text NOT NULL CHECK (status IN ('review', 'accepted', 'confirmed', 'corrected', 'fields_only')),
  created_at timestamptz NOT NULL DEFAULT now(),
  reviewed_at timestamptz,
  reviewed_by text
);
CREATE INDEX classify_suggestions_review ON classify_suggestions (created_at, record_id) WHERE status = 'review';

-- Labels a person gave (confirmed or corrected): the archive's own training data.
CREATE TABLE classify_examples (
  record_id uuid PRIMARY KEY REFERENCES records (id) ON DELETE CASCADE,
  label text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Classification runs after text extraction and OCR: a new text component queues a `classify` job
-- for its record, whatever module wrote it (the same way search_note works).
CREATE FUNCTION classify_note_component() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.role IN ('text', 'ocr_text') AND NOT EXISTS (
      SELECT 1 FROM jobs WHERE kind = 'classify' AND record_id = NEW.record_id AND state = 'queued') THEN
    INSERT INTO jobs (kind, record_id, state, max_attempts) VALUES ('classify', NEW.record_id, 'queued', 3);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER components_classify_note AFTER INSERT ON components
  FOR EACH ROW EXECUTE FUNCTION classify_note_component();
