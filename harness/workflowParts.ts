/** What the end-to-end workflows are built of: node IDs, a webhook that starts them, nodes in a row. */
import type { WorkflowImport } from './n8n';

export type WorkflowNode = Record<string, unknown> & { name: string };

/** A fresh ID on each call, in a series of its own (four hex digits) so that no two files collide. */
export function nodeIds(series: string): () => string {
	let counter = 0;
	return () => `00000000-0000-4000-${series}-${String(++counter).padStart(12, '0')}`;
}

/** A published webhook at `/webhook/<path>`: it answers with the last node's items, or at once. */
export function webhookNode(id: () => string, path: string, responseMode: 'lastNode' | 'onReceived' = 'lastNode'): WorkflowNode {
	return {
		id: id(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: id(),
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData: 'allEntries' } : {}),
			options: {},
		},
	};
}

/** A published workflow of `nodes` in a row, each feeding the next. */
export function chain(workflowId: string, name: string, nodes: WorkflowNode[]): WorkflowImport {
	const connections: Record<string, unknown> = {};
	nodes.slice(0, -1).forEach((node, i) => {
		connections[node.name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	});
	nodes.forEach((node, i) => (node.position = [i * 240, 0]));
	return { id: workflowId, name, nodes, connections, publish: true };
}

/** One item per element of the list at `field` (e.g. `body.items`). */
export function splitOutNode(id: () => string, field: string): WorkflowNode {
	return {
		id: id(),
		name: 'Split Out',
		type: 'n8n-nodes-base.splitOut',
		typeVersion: 1,
		position: [0, 0],
		parameters: { fieldToSplitOut: field, options: {} },
	};
}

/** Posts each item, as JSON, to `url` (a capture server): one request per item. */
export function reportNode(id: () => string, url: string): WorkflowNode {
	return {
		id: id(),
		name: 'Report',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [0, 0],
		parameters: { method: 'POST', url, sendBody: true, specifyBody: 'json', jsonBody: '={{ JSON.stringify($json) }}', options: {} },
	};
}
