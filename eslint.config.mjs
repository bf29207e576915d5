/**
 * ESLint's entry point. The project's own rules stay in .eslintrc.js (read here through FlatCompat);
 * on top of them, the shipped code (package.json, nodes/, credentials/) gets the rules n8n checks
 * community packages with: @n8n/eslint-plugin-community-nodes' recommended set, which includes the
 * n8n Cloud rules (no restricted globals or imports), with the same overrides n8n's own config has.
 */
import { createRequire } from 'node:module';
import { FlatCompat } from '@eslint/eslintrc';
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const require = createRequire(import.meta.url);
const compat = new FlatCompat({ baseDirectory: import.meta.dirname, recommendedConfig: js.configs.recommended });

export default [
	...compat.config(require('./.eslintrc.js')),
	{
		files: ['**/*.mjs'],
		rules: js.configs.recommended.rules,
	},
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		files: ['package.json', 'nodes/**/*.ts', 'credentials/**/*.ts'],
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		rules: {
			'no-console': 'error',
			// As in n8n's own config: connections are NodeConnectionTypes.Main, not the string the old rules want.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// As in n8n's own config: Zapier's API has real upper limits.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
];
