import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RunError } from '../../../nodes/ZapierActions/helpers/errors';
import { compactRun, errorItem, toolErrorItem } from '../../../nodes/ZapierActions/helpers/output.utils';

const node = { name: 'Zapier Actions', type: 'zapierActions', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

test('Continue On Fail items carry the message, the description, the HTTP code and, for a run, the run', () => {
	const run = { id: 'r1', status: 'error', results: [], errors: [] };
	expect(errorItem(new RunError(node, run, 'The run failed', { itemIndex: 2, description: 'Reconnect it.' }))).toEqual({
		error: 'The run failed',
		description: 'Reconnect it.',
		run,
	});
	expect(errorItem(new NodeApiError(node, { message: 'Refused' }, { message: 'Refused', httpCode: '400' }))).toMatchObject({
		error: 'Refused',
		httpCode: '400',
	});
	expect(errorItem(new NodeOperationError(node, 'Plain'))).toEqual({ error: 'Plain' });
});

test('an agent gets the results of a run, and the ID of one that is not done', () => {
	const done = { id: 'r1', status: 'success', results: [{ a: 1 }], errors: [], durationMs: 12 };
	expect(compactRun(done)).toEqual({ status: 'success', results: [{ a: 1 }] });
	expect(compactRun({ ...done, status: 'waiting', results: [] })).toEqual({ status: 'waiting', results: [], id: 'r1' });
	expect(compactRun({ ...done, status: 'error', errors: [{ code: 'user' }] })).toEqual({
		status: 'error',
		results: [{ a: 1 }],
		errors: [{ code: 'user' }],
		id: 'r1',
	});
});

test('an agent gets a failed call as one text: the message, then the description', () => {
	const run = { id: 'r1', status: 'error', results: [], errors: [] };
	expect(
		toolErrorItem(new RunError(node, run, 'The run failed [authentication]', { itemIndex: 0, description: 'Reconnect it. Run ID: r1.' })),
	).toEqual({
		error: 'The run failed [authentication]. Reconnect it. Run ID: r1.',
	});
	expect(toolErrorItem(new NodeOperationError(node, 'Inputs field "To" is required.', { description: 'Nothing was sent.' }))).toEqual({
		error: 'Inputs field "To" is required. Nothing was sent.',
	});
	expect(toolErrorItem(new NodeOperationError(node, 'Plain'))).toEqual({ error: 'Plain' });
	expect(toolErrorItem(new Error('Network down'))).toEqual({ error: 'Network down' });
});
