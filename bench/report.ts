/** What the benchmarks share: the seeded run durations, quantiles, and the sections of bench/results.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { seeded } from '../harness/seeded';

/** Run durations: log-normal around 0.8 s, between 0.2 s and 6 s, the same every time. */
export function durations(count: number, seed = 42): number[] {
	const random = seeded(seed);
	return Array.from({ length: count }, () => {
		const normal = Math.sqrt(-2 * Math.log(random() || 1e-9)) * Math.cos(2 * Math.PI * random());
		return Math.round(Math.min(6_000, Math.max(200, 800 * Math.exp(0.6 * normal))));
	});
}

export const quantile = (values: number[], q: number) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

/** The section of a report that starts at the line `heading` and ends before the next `## ` heading. */
function sectionRange(text: string, heading: string): [number, number] | undefined {
	const start = text.search(new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
	if (start < 0) return undefined;
	const next = text.slice(start + heading.length).search(/^## /m);
	return [start, next < 0 ? text.length : start + heading.length + next];
}

/** Writes `section` into bench/<file> in place of the section of that heading, or at its end. */
export function writeSection(file: string, heading: string, section: string): void {
	const path = join(__dirname, file);
	const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
	const range = sectionRange(text, heading);
	const updated = range ? text.slice(0, range[0]) + section + text.slice(range[1]) : `${text.trimEnd()}\n\n${section}`;
	writeFileSync(path, updated);
}

/** Writes a whole report to bench/<file>, keeping the sections of these headings that another benchmark wrote. */
export function writeReport(file: string, report: string, kept: string[]): void {
	const path = join(__dirname, file);
	const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
	const keptText = kept.map((heading) => sectionRange(old, heading)).map((range) => (range ? old.slice(...range).trimEnd() : ''));
	writeFileSync(path, [report.trimEnd(), ...keptText.filter(Boolean)].join('\n\n') + '\n');
}
