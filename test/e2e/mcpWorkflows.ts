/**
 * The example that serves Zapier actions to MCP clients (`examples/serve-zapier-actions-to-mcp-clients.json`),
 * published as a user imports it: n8n's MCP Server Trigger (bearer auth) with this node attached as two
 * tools, "Send Email in Mailer" (Run: the action, app and connection fixed, the fields from `$fromAI()`)
 * and "Get Zapier Action Run" (Get by run ID); and a copy whose Run waits 1 s. n8n serves each at `/mcp/<path>`.
 */
import example from '../../examples/serve-zapier-actions-to-mcp-clients.json';
import type { CredentialImport, WorkflowImport } from '../../harness/n8n';
import { nodeIds } from '../../harness/workflowParts';

export { GET_TOOL, RUN_TOOL } from './agentWorkflows';

export const MCP_TOKEN = 'mcp-local-token-7f3a9c';
/** The bearer credential the example names. */
export const MCP_CREDENTIAL = example.nodes[0].credentials!.httpBearerAuth as { id: string; name: string };

export function mcpBearerCredential(): CredentialImport {
	return { ...MCP_CREDENTIAL, type: 'httpBearerAuth', data: { token: MCP_TOKEN } };
}

/** The MCP Server Trigger's paths: the example's (the Run tool's Timeout as it comes), and with a 1 s Timeout. */
export const MCP_PATHS = { run: example.nodes[0].parameters.path!, shortWait: 'zapier-short-wait' } as const;
export const RUN_TOOL_DESCRIPTION = example.nodes[1].parameters.toolDescription!;
export const MAILER_CONNECTION = '1001';

const id = nodeIds('9100');

/** The example with its Run tool's Timeout set, at another path, with IDs of its own. */
function shortWait(): WorkflowImport {
	const copy = structuredClone(example) as unknown as WorkflowImport & { nodes: Array<Record<string, any>> };
	for (const node of copy.nodes) node.id = id();
	copy.nodes[0].webhookId = id();
	copy.nodes[0].parameters.path = MCP_PATHS.shortWait;
	copy.nodes[1].parameters.options = { timeout: 1 };
	return { ...copy, id: 'mcpZapierShort00', name: `${example.name}, waiting 1 s` };
}

export const mcpWorkflows: WorkflowImport[] = [
	{ ...(example as unknown as WorkflowImport), id: 'mcpZapierTools00', publish: true },
	{ ...shortWait(), publish: true },
];

/** Where n8n serves a published MCP Server Trigger's path. */
export const mcpUrl = (n8n: { url: string }, path: string): string => `${n8n.url}/mcp/${path}`;

/**
 * Published workflows are activated shortly after n8n is ready: until then their MCP path answers 404.
 * Waits until it is served (a request without the token is then refused).
 */
export async function untilServed(url: string): Promise<void> {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		if (response.status !== 404) return;
		if (Date.now() > deadline) throw new Error(`${url} is not served`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
