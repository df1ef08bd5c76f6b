-- Wrong passwords are counted per account name and client address, not per account: a guesser slows down and locks
-- only their own address, never the account for everyone. The name is kept as typed (trimmed, lower case), whether
-- or not such a user exists, so that an unknown name is answered exactly as a real one. Supersedes the account-wide
-- users.failed_sign_ins and users.locked_until, which are no longer read.
CREATE TABLE sign_in_failures (
    account          text        NOT NULL,
    source           text        NOT NULL,
    failures         integer     NOT NULL,
    first_failed_at  timestamptz NOT NULL,
    last_failed_at   timestamptz NOT NULL,
    locked_until     timestamptz NULL,
    PRIMARY KEY (account, source)
);

-- The addresses each account recently signed in from: failures from elsewhere never lock them out.
CREATE TABLE sign_in_successes (
    account       text        NOT NULL,
    source        text        NOT NULL,
    succeeded_at  timestamptz NOT NULL,
    PRIMARY KEY (account, source)
);
