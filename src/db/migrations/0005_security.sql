-- Security (issue 6, items 1, 2, 4, 7): organisation shares, TOTP second factor, session metadata,
-- and indexes for searching the audit trail. docs/SECURITY.md describes the model.
-- Forward-only: never edit this file once released; add a new numbered migration instead.

-- An organisation subtree explicitly shared with a user beyond their own organisation (跨机构授权),
-- granted by the security officer, optionally until a date. Revoked shares are kept for the record.
CREATE TABLE access_shares (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  organisation_id uuid NOT NULL REFERENCES organisations (id),
  reason text,
  granted_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX access_shares_user ON access_shares (user_id) WHERE revoked_at IS NULL;

-- TOTP second factor (RFC 6238). The secret is set at enrolment and only used once confirmed;
-- totp_last_step refuses a code used twice within its window (replay).
ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN totp_last_step bigint;
ALTER TABLE users ADD COLUMN password_changed_at timestamptz;

-- Where a session was opened, so that a user or the security officer can recognise and revoke it.
ALTER TABLE credentials ADD COLUMN ip text;
ALTER TABLE credentials ADD COLUMN user_agent text;
ALTER TABLE credentials ADD COLUMN revoked_by text;

-- The auditor searches events by person, action and outcome over time.
CREATE INDEX events_actor_at ON events (actor, at);
CREATE INDEX events_action_at ON events (action, at);
CREATE INDEX events_outcome_at ON events (outcome, at) WHERE outcome <> 'ok';
