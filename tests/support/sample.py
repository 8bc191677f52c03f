"""The generated dataset every end-to-end test shares, and the test-only pseudonymisation key."""

E2E_SEED = 7
E2E_SCALE = 0.3
PII_KEY = "test-key-not-secret"  # not a secret: the synthetic data's citizen IDs only
