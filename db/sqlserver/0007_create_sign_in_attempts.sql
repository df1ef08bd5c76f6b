-- Wrong passwords are counted per account name and client address, not per account: a guesser slows down and locks
-- only their own address, never the account for everyone. The name is kept as typed (trimmed, lower case), whether
-- or not such a user exists, so that an unknown name is answered exactly as a real one. Supersedes the account-wide
-- users.failed_sign_ins and users.locked_until, which are no longer read.
CREATE TABLE sign_in_failures (
    account          nvarchar(200) NOT NULL,
    source           nvarchar(64)  NOT NULL,
    failures         int           NOT NULL,
    first_failed_at  datetime2(7)  NOT NULL,
    last_failed_at   datetime2(7)  NOT NULL,
    locked_until     datetime2(7)  NULL,
    PRIMARY KEY (account, source)
);

-- The addresses each account recently signed in from: failures from elsewhere never lock them out.
CREATE TABLE sign_in_successes (
    account       nvarchar(200) NOT NULL,
    source        nvarchar(64)  NOT NULL,
    succeeded_at  datetime2(7)  NOT NULL,
    PRIMARY KEY (account, source)
);
GO
