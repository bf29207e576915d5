/** The workflows the end-to-end suite imports into n8n: each starts at a webhook and answers with its last node's items. */
import type { WorkflowImport } from '../../harness/n8n';
import { NODE_TYPE } from '../../harness/n8n';
import { CREDENTIAL } from '../../harness/stack';
import type { WorkflowNode } from '../../harness/workflowParts';
import { chain, nodeIds, splitOutNode, webhookNode } from '../../harness/workflowParts';

const id = nodeIds('8000');
const webhook = (path: string) => webhookNode(id, path);

function zapier(name: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): WorkflowNode {
	return {
		id: id(),
		name,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [240, 0],
		parameters: { resource: 'actionRun', ...parameters },
		credentials: { zapierOAuth2Api: CREDENTIAL },
		...extra,
	};
}

const runFromBody = {
	operation: 'run',
	action: '={{ $json.body.action }}',
	inputsMode: 'json',
	inputs: '={{ $json.body.inputs }}',
	options: { timeout: '={{ $json.body.timeout ?? 30 }}' },
};

export const e2eWorkflows: WorkflowImport[] = [
	chain('e2eRunAndWait00', 'E2E: run and wait', [webhook('e2e-run'), zapier('Run', runFromBody)]),
	chain('e2eRunThenGet000', 'E2E: run without waiting, then get', [
		webhook('e2e-run-then-get'),
		zapier('Run', {
			operation: 'run',
			action: '={{ $json.body.action }}',
			inputsMode: 'json',
			inputs: '={{ $json.body.inputs }}',
			waitForCompletion: false,
		}),
		zapier('Get', { operation: 'get', runId: '={{ $json.id }}', waitForCompletion: true, options: { timeout: 30 } }),
	]),
	chain('e2eContinueOnF0', 'E2E: run with Continue On Fail', [
		webhook('e2e-run-continue'),
		zapier('Run', runFromBody, { onError: 'continueRegularOutput' }),
	]),
	chain('e2eTenItems00000', 'E2E: ten items in one execution', [
		webhook('e2e-ten-items'),
		splitOutNode(id, 'body.items'),
		zapier('Run', { operation: 'run', action: 'core:batch', inputsMode: 'json', inputs: '={{ $json }}', options: {} }),
		{
			id: id(),
			name: 'Pair Back',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [0, 0],
			parameters: {
				mode: 'manual',
				includeOtherFields: false,
				assignments: {
					assignments: [
						{ id: id(), name: 'sentN', type: 'number', value: "={{ $('Split Out').item.json.n }}" },
						{ id: id(), name: 'resultN', type: 'number', value: '={{ $json.results[0].n }}' },
						{ id: id(), name: 'runId', type: 'string', value: '={{ $json.id }}' },
					],
				},
				options: {},
			},
		},
	]),
];
