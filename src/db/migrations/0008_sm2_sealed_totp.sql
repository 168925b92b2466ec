-- Issue 6 remainder: the ledger's signature algorithm chosen per log (SM2 beside Ed25519), and TOTP
-- secrets sealed under a key-store KEK. docs/LEDGER.md and docs/SECURITY-KEYS.md describe both.
-- Forward-only: never edit this file once released; add a new numbered migration instead.

-- The algorithm that signs this ledger's checkpoints, fixed when the ledger is created (like its
-- hash). Ledgers created before this migration were signed with Ed25519.
ALTER TABLE ledger_state ADD COLUMN signature_algorithm text NOT NULL DEFAULT 'ed25519'
  CHECK (signature_algorithm IN ('ed25519', 'sm2'));

-- KEKs that seal secrets other than content (today: TOTP secrets), one per purpose. The KEK stays
-- in the key store under key_ref, like the level KEKs of level_keys.
CREATE TABLE secret_keys (
  purpose text PRIMARY KEY,
  store text NOT NULL CHECK (store IN ('file', 'pkcs11')),
  key_ref text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A TOTP secret wrapped by the key store (AES-256-GCM under the 'totp' KEK, bound to the user id).
-- totp_secret (plain, from 0005) is emptied as each secret is sealed: at start-up for rows written
-- before this migration (users.totp-seal.ts), at once for new ones.
ALTER TABLE users ADD COLUMN totp_secret_sealed bytea;
ALTER TABLE users ADD COLUMN totp_key_ref text;
ALTER TABLE users ADD CONSTRAINT users_totp_sealed_with_key
  CHECK ((totp_secret_sealed IS NULL) = (totp_key_ref IS NULL));
