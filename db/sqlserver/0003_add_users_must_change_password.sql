-- An account whose password was set for it (the initial administrator, a reset) must choose its own at first sign-in.
ALTER TABLE users ADD must_change_password bit NOT NULL CONSTRAINT df_users_must_change_password DEFAULT 0;
GO
