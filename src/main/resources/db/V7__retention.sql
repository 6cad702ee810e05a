-- Change-log retention keeps every row an unresolved dead letter names: this finds them by row.
CREATE INDEX IF NOT EXISTS observer_dead_letters_unresolved_row
    ON core.observer_dead_letters (change_log_pk) WHERE status <> 'resolved';
