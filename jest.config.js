/** Unit tests of the policies, and engine tests that run workflows through n8n-core against the sandbox. */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
	testTimeout: 60_000,
	setupFiles: ['<rootDir>/test/setup-env.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};
