"""Read-only queries the interfaces share (work queues, workload, lists); no writes here."""
