/** The end-to-end suite: a real n8n server (provisioned on first run) and a real browser. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	testTimeout: 120_000,
	maxWorkers: 1,
	setupFiles: ['<rootDir>/test/setup-env.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
