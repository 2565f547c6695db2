-- SQLite: the shop's tables. Booleans are INTEGER 0/1 (sqlx's Any driver
-- reads no BOOLEAN column type from SQLite); times are RFC 3339 TEXT in UTC.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL UNIQUE,
    age           INTEGER NOT NULL,
    bio           TEXT,
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE TABLE items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    description TEXT,
    price       REAL    NOT NULL CHECK (price > 0),
    stock       INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    is_active   INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE orders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    total      REAL    NOT NULL,
    item_count INTEGER NOT NULL,
    street     TEXT    NOT NULL,
    city       TEXT    NOT NULL,
    country    TEXT    NOT NULL,
    zip_code   TEXT    NOT NULL,
    notes      TEXT,
    created_at TEXT    NOT NULL
);

CREATE INDEX orders_user_id ON orders (user_id);

CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    line_no    INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES items (id),
    quantity   INTEGER NOT NULL CHECK (quantity > 0),
    unit_price REAL    NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
