import { describeRunFailure, hasFailed, hintFor, isFinished, normaliseRun } from '../../../nodes/ZapierActions/helpers/runStatus';

const answer = (data: object) => ({ data: { type: 'run', ...data } });

describe('finished or not', () => {
	test.each(['success', 'error'])('"%s" ends a run', (status) => {
		expect(isFinished(normaliseRun('r', 200, answer({ status })))).toBe(true);
	});

	test.each(['waiting', 'queued', 'running', 'something-new'])('"%s" means go on', (status) => {
		expect(isFinished(normaliseRun('r', 200, answer({ status })))).toBe(false);
	});

	test('a missing status means go on, and reads as waiting', () => {
		const run = normaliseRun('r', 200, answer({}));
		expect(run.status).toBe('waiting');
		expect(isFinished(run)).toBe(false);
	});

	test('an HTTP 202 means go on, whatever the body says', () => {
		expect(isFinished(normaliseRun('r', 202, answer({ status: 'success' })))).toBe(false);
	});
});

describe('results', () => {
	test('an array stays as it is', () => {
		expect(normaliseRun('r', 200, answer({ status: 'success', results: [{ a: 1 }, { b: 2 }] })).results).toEqual([{ a: 1 }, { b: 2 }]);
	});
	test('one object becomes a list of one', () => {
		expect(normaliseRun('r', 200, answer({ status: 'success', results: { a: 1 } })).results).toEqual([{ a: 1 }]);
	});
	test.each([[[]], [{}], [null], [undefined]])('%p becomes an empty list', (results) => {
		expect(normaliseRun('r', 200, answer({ status: 'success', results })).results).toEqual([]);
	});
	test.each([
		['text', [{ value: 'text' }]],
		[42, [{ value: 42 }]],
		['', [{ value: '' }]],
		[false, [{ value: false }]],
	])('a single plain value %p is kept, as a list of one', (results, expected) => {
		expect(normaliseRun('r', 200, answer({ status: 'success', results })).results).toEqual(expected);
	});
	test('plain values in the list are wrapped', () => {
		expect(normaliseRun('r', 200, answer({ status: 'success', results: ['x'] })).results).toEqual([{ value: 'x' }]);
	});
	test('the id is the one the run was created with', () => {
		expect(normaliseRun('created-id', 200, answer({ status: 'success', run_id: 'other' })).id).toBe('created-id');
	});
});

describe('errors', () => {
	test('non-empty errors fail a run even next to success', () => {
		const run = normaliseRun('r', 200, answer({ status: 'success', errors: [{ code: 'partner', title: 'Bad', detail: 'Nope' }] }));
		expect(hasFailed(run)).toBe(true);
		expect(run.errors[0]).toMatchObject({ code: 'partner', title: 'Bad', detail: 'Nope', hint: hintFor('partner') });
	});

	test('status error without details still fails, and says so', () => {
		const run = normaliseRun('r1', 200, answer({ status: 'error' }));
		expect(hasFailed(run)).toBe(true);
		expect(describeRunFailure(run).message).toBe('The Zapier action run r1 ended with status "error"');
	});

	test('the message names the first error and counts the rest; the hint goes in the description', () => {
		const run = normaliseRun(
			'r1',
			200,
			answer({ status: 'error', errors: [{ code: 'authentication', title: 'Expired', detail: 'Token revoked' }, { code: 'user' }] }),
		);
		expect(describeRunFailure(run)).toEqual({
			message: 'The Zapier action run failed: Expired – Token revoked [authentication] (and 1 more)',
			description: `${hintFor('authentication')} Run ID: r1.`,
		});
	});

	test('a throttled run says how long to wait', () => {
		expect(hintFor('throttled', 45)).toBe('The app throttled this run: wait 45 s before running it again.');
	});

	test('one error given as an object, or as text, is a list of one, and fails the run even next to success', () => {
		const single = normaliseRun('r', 200, answer({ status: 'success', errors: { code: 'partner', title: 'Bad', detail: 'Nope' } }));
		expect(hasFailed(single)).toBe(true);
		expect(single.errors).toEqual([expect.objectContaining({ code: 'partner', title: 'Bad', detail: 'Nope' })]);
		const text = normaliseRun('r1', 200, answer({ status: 'error', errors: 'The app is down' }));
		expect(text.errors).toEqual([expect.objectContaining({ code: 'unknown', detail: 'The app is down' })]);
		expect(describeRunFailure(text).message).toBe('The Zapier action run failed: Run failed – The app is down [unknown]');
	});

	test('partner meta is kept', () => {
		const run = normaliseRun('r', 200, answer({ status: 'error', errors: [{ code: 'partner', meta: { upstream: 502 } }] }));
		expect(run.errors[0].meta).toEqual({ upstream: 502 });
	});
});
