-- Repeated wrong passwords lock an account for a while, whoever tries and from wherever.
ALTER TABLE users ADD failed_sign_ins int NOT NULL CONSTRAINT df_users_failed_sign_ins DEFAULT 0;
ALTER TABLE users ADD locked_until datetime2(7) NULL;
GO
