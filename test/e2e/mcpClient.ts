/**
 * A real MCP client (the protocol's own SDK) connected over streamable HTTP to a workflow's MCP
 * Server Trigger in n8n, as Claude, an IDE or any other MCP client would connect.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface ToolAnswer {
	isError: boolean;
	/** The text the tool answered with, parsed as JSON where it is JSON. */
	value: unknown;
}

export async function connectMcp(url: string, token?: string): Promise<Client> {
	const client = new Client({ name: 'zapier-actions-e2e', version: '1.0.0' });
	const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
	await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
	return client;
}

/** Calls a tool with the client's own default request timeout, and reads its one text answer. */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
	const result = await client.callTool({ name, arguments: args });
	const content = result.content as Array<{ type: string; text?: string }>;
	if (content.length !== 1 || content[0].type !== 'text') throw new Error(`Expected one text answer: ${JSON.stringify(result)}`);
	const text = content[0].text ?? '';
	let value: unknown = text;
	try {
		value = JSON.parse(text);
	} catch {
		// Plain text.
	}
	return { isError: result.isError === true, value };
}
