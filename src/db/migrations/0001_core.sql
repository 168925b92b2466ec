-- The archive model (GB/T 39784-2021, DA/T 46-2009 metadata, DA/T 22-2015 archive numbers).
-- Forward-only: never edit this file once released; add a new numbered migration instead.

-- Organisations form a tree: city → district → street → department. Every record, user and rule
-- belongs to one. `path` is the materialised chain of ids ('/root/…/self/') so that "this
-- organisation and everything below it" is one indexed prefix match.
CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  parent_id uuid REFERENCES organisations (id),
  code text NOT NULL CHECK (code ~ '^[A-Z0-9]{1,16}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  level text NOT NULL CHECK (level IN ('city', 'district', 'street', 'department')),
  path text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_code_per_parent ON organisations (coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), code);
CREATE INDEX organisations_path ON organisations (path text_pattern_ops);

-- Secrecy levels (密级) are configurable; rank orders them (higher = more restricted).
CREATE TABLE secrecy_levels (
  code text PRIMARY KEY,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  rank int NOT NULL UNIQUE
);

-- Retention periods (保管期限) per DA/T 22-2015: 永久 Y, 定期30年 D30, 定期10年 D10.
CREATE TABLE retention_periods (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{1,8}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  years int CHECK (years IS NULL OR years > 0)
);
INSERT INTO retention_periods (code, name_zh, name_en, years) VALUES
  ('Y', '永久', 'Permanent', NULL),
  ('D30', '定期30年', '30 years', 30),
  ('D10', '定期10年', '10 years', 10);

-- Fonds (全宗). The archive-number format is per fonds (DA/T 22-2015 §5 allows local variants).
CREATE TABLE fonds (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9]{1,16}$'),
  name text NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  archive_no_format text NOT NULL DEFAULT '{fonds}-{category}·{year}-{retention}-{org}-{item:4}',
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Archive categories (门类, DA/T 22-2015 Appendix A codes) and the fields each adds to a record.
CREATE TABLE categories (
  id uuid PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9]{1,8}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  extra_fields jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO categories (id, code, name_zh, name_en, extra_fields) VALUES
  ('00000000-0000-4000-8000-000000000101', 'WS', '文书', 'Documents', '[]'),
  ('00000000-0000-4000-8000-000000000102', 'JJ', '基建', 'Construction', '[{"name":"projectCode","zh":"项目代码","en":"Project code","type":"string"},{"name":"projectName","zh":"项目名称","en":"Project name","type":"string"}]'),
  ('00000000-0000-4000-8000-000000000103', 'KJ', '会计', 'Accounting', '[{"name":"voucherNo","zh":"凭证号","en":"Voucher number","type":"string"},{"name":"amount","zh":"金额（元）","en":"Amount (yuan)","type":"number"}]'),
  ('00000000-0000-4000-8000-000000000104', 'ZP', '照片', 'Photographs', '[{"name":"photographer","zh":"摄影者","en":"Photographer","type":"string"},{"name":"place","zh":"地点","en":"Place","type":"string"}]'),
  ('00000000-0000-4000-8000-000000000105', 'SP', '审批业务', 'Approval matters', '[{"name":"matterType","zh":"事项类型","en":"Matter type","type":"string"},{"name":"applicant","zh":"申请人","en":"Applicant","type":"string"},{"name":"creditCode","zh":"统一社会信用代码","en":"Unified social credit code","type":"string"},{"name":"projectCode","zh":"项目代码","en":"Project code","type":"string"},{"name":"caseNo","zh":"办件编号","en":"Case number","type":"string"}]');

-- The classification scheme (分类方案) is a tree under each category.
CREATE TABLE classes (
  id uuid PRIMARY KEY,
  category_id uuid NOT NULL REFERENCES categories (id),
  parent_id uuid REFERENCES classes (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9]{1,16}$'),
  name text NOT NULL,
  path text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX classes_code_per_parent ON classes (category_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), code);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,64}$'),
  display_name text NOT NULL,
  password_hash text NOT NULL,
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  roles text[] NOT NULL CHECK (cardinality(roles) > 0),
  clearance text NOT NULL REFERENCES secrecy_levels (code),
  must_change_password boolean NOT NULL DEFAULT true,
  disabled boolean NOT NULL DEFAULT false,
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login_at timestamptz
);

-- Web sessions and API tokens; only a SHA-256 of the secret is kept.
CREATE TABLE credentials (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('session', 'token')),
  name text,
  secret_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX credentials_user ON credentials (user_id);

-- Records (件). Drafts carry no archive number; filing assigns one, once.
CREATE TABLE records (
  id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('draft', 'filed')),
  fonds_id uuid NOT NULL REFERENCES fonds (id),
  category_id uuid NOT NULL REFERENCES categories (id),
  class_id uuid REFERENCES classes (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 1000),
  responsible text,
  doc_number text,
  formed_on date,
  year int CHECK (year BETWEEN 1000 AND 9999),
  page_count int CHECK (page_count >= 0),
  secrecy_level text NOT NULL REFERENCES secrecy_levels (code),
  retention_code text REFERENCES retention_periods (code),
  keywords text[] NOT NULL DEFAULT '{}',
  notes text,
  extra jsonb NOT NULL DEFAULT '{}'::jsonb,
  archive_no text UNIQUE,
  item_no int,
  filed_at timestamptz,
  filed_by text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version int NOT NULL DEFAULT 1,
  -- A filed record has its number and everything the number is made of; a draft has no number.
  CHECK ((status = 'filed') = (archive_no IS NOT NULL AND item_no IS NOT NULL AND filed_at IS NOT NULL)),
  CHECK (status = 'draft' OR (year IS NOT NULL AND retention_code IS NOT NULL))
);
CREATE INDEX records_org ON records (organisation_id);
CREATE INDEX records_created ON records (created_at DESC, id);
CREATE INDEX records_status ON records (status);
CREATE INDEX records_doc_number ON records (doc_number);

-- Per DA/T 22-2015 the item number (件号) runs from 1, without gaps, within one
-- fonds · category · year · retention period · organisation (问题) bucket.
CREATE TABLE archive_counters (
  fonds_id uuid NOT NULL REFERENCES fonds (id),
  category_id uuid NOT NULL REFERENCES categories (id),
  year int NOT NULL,
  retention_code text NOT NULL REFERENCES retention_periods (code),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  last_item int NOT NULL,
  PRIMARY KEY (fonds_id, category_id, year, retention_code, organisation_id)
);
CREATE UNIQUE INDEX records_item_unique ON records (fonds_id, category_id, year, retention_code, organisation_id, item_no)
  WHERE item_no IS NOT NULL;

-- Blobs: content-addressed bytes, stored once whatever number of components refer to them.
CREATE TABLE blobs (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  sm3 text NOT NULL CHECK (sm3 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  stored_size bigint NOT NULL CHECK (stored_size >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A blob being written before its row exists. A process that dies between writing the bytes and
-- committing the row leaves an intent behind; recovery removes the bytes it names.
CREATE TABLE blob_intents (
  id bigserial PRIMARY KEY,
  sha256 text NOT NULL,
  owner text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX blob_intents_sha ON blob_intents (sha256);

-- Components (组件): the files of a record. The original is kept untouched; derived files
-- (extracted text, OCR text, searchable PDF, spreadsheets) point at the component they came from.
CREATE TABLE components (
  id uuid PRIMARY KEY,
  record_id uuid NOT NULL REFERENCES records (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('original', 'text', 'ocr_text', 'ocr_layout', 'searchable_pdf', 'table_xlsx')),
  source_id uuid REFERENCES components (id),
  blob_sha256 text NOT NULL REFERENCES blobs (sha256),
  file_name text NOT NULL,
  media_type text NOT NULL,
  format text NOT NULL,
  size bigint NOT NULL,
  page_count int,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX components_record ON components (record_id);
CREATE INDEX components_blob ON components (blob_sha256);

-- The durable job queue. Workers claim with FOR UPDATE SKIP LOCKED; a job whose worker died is
-- re-queued when its lease runs out.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  record_id uuid REFERENCES records (id) ON DELETE CASCADE,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 5,
  run_after timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  lease_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX jobs_ready ON jobs (run_after, id) WHERE state = 'queued';
CREATE INDEX jobs_record ON jobs (record_id);

-- Events: who did what, when, from where. The audit and ledger issues build on this table.
CREATE TABLE events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  record_id uuid,
  outcome text NOT NULL DEFAULT 'ok',
  ip text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX events_record ON events (record_id);
CREATE INDEX events_at ON events (at);

-- Settings kept in the database (e.g. whether the first administrator has been created).
CREATE TABLE system_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
