-- An account whose password was set for it (the initial administrator, a reset) must choose its own at first sign-in.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
