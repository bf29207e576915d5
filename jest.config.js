/**
 * Unit tests of the policies, and engine tests that run workflows through n8n-core against the
 * sandbox: every file with the Partner OAuth2 credential, and the behaviour both of Zapier's APIs
 * share once more with client credentials (a project each; `--selectProjects` runs one).
 */
const base = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
};

/** The engine suites of what both APIs do alike: runs, waits, faults, limits, tool calls, trust, callbacks, the trigger. */
const SHARED = ['actionRun', 'callback', 'faults', 'items', 'resilience', 'tool', 'trigger', 'trust', 'validation'];

module.exports = {
	testTimeout: 60_000,
	projects: [
		{
			...base,
			displayName: 'partner OAuth2',
			roots: ['<rootDir>/test'],
			testMatch: ['**/*.test.ts'],
			setupFiles: ['<rootDir>/test/setup-env.js'],
		},
		{
			...base,
			displayName: 'client credentials',
			roots: ['<rootDir>/test/engine'],
			testMatch: SHARED.map((name) => `**/${name}.test.ts`),
			setupFiles: ['<rootDir>/test/setup-env.js', '<rootDir>/test/connect-client-credentials.js'],
		},
	],
};
