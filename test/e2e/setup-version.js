// Each project of the end-to-end suite runs one n8n version (jest.e2e.config.js); the harness reads N8N_VERSION.
if (globalThis.N8N_E2E_VERSION) process.env.N8N_VERSION = globalThis.N8N_E2E_VERSION;
