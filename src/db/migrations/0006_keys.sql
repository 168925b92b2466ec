-- Encryption at rest by secrecy level (issue 6, item 3). docs/SECURITY-KEYS.md describes the key
-- hierarchy. Forward-only: never edit this file once released; add a new numbered migration instead.

-- Key-encryption keys (KEKs), one active version per secrecy level. The KEK itself stays in the
-- key store (key file or PKCS#11 token) under key_ref; this row holds the level's address secret
-- (the HMAC key that turns a content SHA-256 into a storage address, so that equal files at two
-- levels get unrelated addresses) wrapped under that KEK. Rotation adds a version and rewraps.
CREATE TABLE level_keys (
  level text NOT NULL REFERENCES secrecy_levels (code),
  version int NOT NULL CHECK (version > 0),
  store text NOT NULL CHECK (store IN ('file', 'pkcs11')),
  key_ref text NOT NULL,
  wrapped_address_secret bytea NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'retired', 'destroyed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  destroyed_at timestamptz,
  PRIMARY KEY (level, version)
);
CREATE UNIQUE INDEX level_keys_one_active ON level_keys (level) WHERE state = 'active';

-- One data key per stored blob, wrapped under its level's KEK. generation > 0 after the same
-- content was shredded and stored again (a new address, never the shredded one). Crypto-shredding
-- clears wrapped_key: the content can no longer be decrypted by anyone.
CREATE TABLE blob_keys (
  address text PRIMARY KEY CHECK (address ~ '^[0-9a-f]{64}$'),
  level text NOT NULL,
  kek_version int NOT NULL,
  cipher text NOT NULL CHECK (cipher IN ('aes-256-gcm', 'sm4-gcm')),
  wrapped_key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  FOREIGN KEY (level, kek_version) REFERENCES level_keys (level, version),
  CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
CREATE INDEX blob_keys_level_version ON blob_keys (level, kek_version);

-- For a sealed blob, blobs.sha256 (and components.blob_sha256) hold its storage address; the
-- content's own SHA-256 is kept here, shown to readers cleared for the record. NULL: a blob stored
-- in the clear before encryption, whose address is its SHA-256.
ALTER TABLE blobs ADD COLUMN content_sha256 text CHECK (content_sha256 ~ '^[0-9a-f]{64}$');
