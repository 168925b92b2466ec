-- Holder protection of sensitive content (issue 6, item 3, second half): the system CA, trusted
-- external CAs, holders' certificates, which holders a level has, and the per-holder wraps of each
-- protected blob's holder share. docs/SECURITY-KEYS.md describes the model.
-- Forward-only: never edit this file once released; add a new numbered migration instead.

-- Certificate authorities: the system's own (kind 'system', at most one active; its private key is
-- sealed under a seal key that the KeyStore wraps) and imported roots whose certificates we accept
-- (kind 'trusted', no private key).
CREATE TABLE holder_cas (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('system', 'trusted')),
  subject text NOT NULL,
  cert_der bytea NOT NULL,
  fingerprint text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  store text CHECK (store IN ('file', 'pkcs11')),
  key_ref text,
  wrapped_seal_key bytea,
  sealed_private_key bytea,
  state text NOT NULL CHECK (state IN ('active', 'revoked')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  CHECK ((kind = 'system') = (sealed_private_key IS NOT NULL AND key_ref IS NOT NULL AND wrapped_seal_key IS NOT NULL))
);
CREATE UNIQUE INDEX holder_cas_one_system ON holder_cas (kind) WHERE kind = 'system' AND state = 'active';

-- Holders' certificates: issued by the system CA (with a private key sealed under the holder's
-- passphrase, or none when the holder generated the key themselves) or imported (issued by a trusted
-- CA; the private key stays with the holder).
CREATE TABLE holder_certs (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  algorithm text NOT NULL CHECK (algorithm IN ('ecdh-p256', 'rsa-oaep-3072', 'sm2')),
  origin text NOT NULL CHECK (origin IN ('issued', 'imported')),
  ca_id uuid NOT NULL REFERENCES holder_cas (id),
  serial text NOT NULL,
  subject text NOT NULL,
  cert_der bytea NOT NULL,
  fingerprint text NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  spki bytea NOT NULL,
  sealed_private_key bytea,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  state text NOT NULL CHECK (state IN ('active', 'revoked')),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by text,
  revoke_reason text,
  CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX holder_certs_user ON holder_certs (user_id) WHERE state = 'active';

-- Who holds a level: the content of every protected blob at the level is wrapped for the active
-- certificates of these users.
CREATE TABLE holder_grants (
  level text NOT NULL REFERENCES secrecy_levels (code),
  user_id uuid NOT NULL REFERENCES users (id),
  granted_by text NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (level, user_id)
);

-- A protected blob's data key is derived from two shares: blob_keys.wrapped_key (under the level's
-- KEK, as before) and the holder share, wrapped here once per holder certificate.
ALTER TABLE blob_keys ADD COLUMN holder_protected boolean NOT NULL DEFAULT false;
CREATE TABLE blob_holder_wraps (
  address text NOT NULL REFERENCES blob_keys (address) ON DELETE CASCADE,
  cert_id uuid NOT NULL REFERENCES holder_certs (id),
  wrapped bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (address, cert_id)
);
CREATE INDEX blob_holder_wraps_cert ON blob_holder_wraps (cert_id);
