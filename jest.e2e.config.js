/**
 * The end-to-end suite: a real n8n server (provisioned on first run) and a real browser, once per n8n
 * version: a jest project each, named `n8n <version>` (`--selectProjects 'n8n 1.123.81'` runs one).
 * N8N_VERSIONS (comma-separated) picks the versions; by default the pinned 2.x and the newest 1.x.
 * The callbacks suite runs once more per version with client credentials.
 */
const versions = (process.env.N8N_VERSIONS || process.env.N8N_VERSION || '2.41.0,1.123.81')
	.split(',')
	.map((version) => version.trim())
	.filter(Boolean);

const project = (version) => ({
	displayName: `n8n ${version}`,
	globals: { N8N_E2E_VERSION: version },
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	setupFiles: ['<rootDir>/test/setup-env.js', '<rootDir>/test/e2e/setup-version.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
});

/** The suites whose behaviour both of Zapier's APIs share, once more with client credentials. */
const withClientCredentials = (version) => ({
	...project(version),
	displayName: `n8n ${version}, client credentials`,
	testMatch: ['**/callbacks.e2e.test.ts', '**/agent.e2e.test.ts'],
	setupFiles: [...project(version).setupFiles, '<rootDir>/test/connect-client-credentials.js'],
});

module.exports = {
	testTimeout: 120_000,
	maxWorkers: 1,
	projects: versions.flatMap((version) => [project(version), withClientCredentials(version)]),
};
