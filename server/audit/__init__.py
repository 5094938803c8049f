"""The audit log (bitácora): a tamper-evident, append-only, hash-chained record of every change, one chain per
municipality, that anyone can download and verify. See docs/audit-log.md."""
