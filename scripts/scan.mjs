/**
 * The lint legs of n8n's community package scanner (@n8n/scan-community-package), offline: the same
 * ESLint configuration over the source (package.json, nodes/, credentials/) and over the package as
 * npm packs it (its JavaScript and package.json). Also checks that the tarball holds only what is
 * meant to ship. Prints every finding; exits 1 on any. Run it after a build: `npm run scan`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { analyzePackage, SOURCE_FILE_PATTERNS } from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];
const SHIPPED = [/^dist\//, /^package\.json$/, /^README\.md$/, /^LICENSE$/, /^CHANGELOG\.md$/];

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
	return result.stdout;
}

function report(label, result) {
	if (result.passed) {
		console.log(`✓ ${label}: no findings${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.log(`✗ ${label}: ${result.message}`);
	if (result.details) console.log(result.details);
	return false;
}

const work = mkdtempSync(join(tmpdir(), 'scan-'));
let ok = true;
try {
	ok = report('source (package.json, nodes/, credentials/)', await analyzePackage(root, SOURCE_FILE_PATTERNS)) && ok;

	const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root));
	const paths = packed.files.map((file) => file.path);
	const unexpected = paths.filter((path) => !SHIPPED.some((pattern) => pattern.test(path)));
	const { n8n } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
	const missing = [...n8n.nodes, ...n8n.credentials].filter((path) => !paths.includes(path));
	if (unexpected.length || missing.length) {
		if (unexpected.length) console.log(`✗ tarball: files that should not ship:\n  ${unexpected.join('\n  ')}`);
		if (missing.length) console.log(`✗ tarball: nodes or credentials missing (build first):\n  ${missing.join('\n  ')}`);
		ok = false;
	} else {
		console.log(`✓ tarball: ${packed.filename}, ${packed.files.length} files, only dist/, package.json, README.md, LICENSE, CHANGELOG.md`);
	}

	const unpacked = join(work, 'package');
	run('tar', ['-xzf', join(work, packed.filename), '-C', work], root);
	ok = report(`tarball (${TARBALL_FILE_PATTERNS.join(', ')})`, await analyzePackage(unpacked, TARBALL_FILE_PATTERNS)) && ok;
} finally {
	rmSync(work, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
