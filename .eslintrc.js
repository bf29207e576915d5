/**
 * Every TypeScript file is linted: TypeScript's recommended rules everywhere, n8n's own rules for the
 * shipped code (community package.json, credentials, nodes), looser ones where tests and tools need them.
 * ESLint 9 reads this through eslint.config.mjs, which adds n8n's community-nodes rules on top.
 */
module.exports = {
	root: true,
	env: { es2022: true, node: true },
	parser: '@typescript-eslint/parser',
	parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
	ignorePatterns: ['**/*.js', '**/node_modules/**', '**/dist/**'],
	overrides: [
		{
			files: ['**/*.ts'],
			plugins: ['@typescript-eslint'],
			extends: ['eslint:recommended', 'plugin:@typescript-eslint/recommended', 'prettier'],
			rules: {
				'@typescript-eslint/consistent-type-imports': 'error',
				'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			},
		},
		{
			files: ['package.json'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/community'],
			rules: { 'n8n-nodes-base/community-package-json-name-still-default': 'off' },
		},
		{
			files: ['./credentials/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/credentials'],
			parserOptions: { project: ['./tsconfig.json'] },
			// Applies to n8n's own repository only: community credentials link to their own docs.
			rules: { 'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off' },
		},
		{
			files: ['./nodes/**/*.ts'],
			plugins: ['eslint-plugin-n8n-nodes-base'],
			extends: ['plugin:n8n-nodes-base/nodes'],
			parserOptions: { project: ['./tsconfig.json'] },
		},
		{
			// Tests, the sandbox and the tools handle raw JSON and assert on what is known to be there.
			files: ['test/**/*.ts', 'sandbox/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'harness/**/*.ts'],
			rules: {
				'@typescript-eslint/no-explicit-any': 'off',
				'@typescript-eslint/no-non-null-assertion': 'off',
			},
		},
	],
};
