/**
 * A local stand-in for OpenAI's chat completions API (`POST /v1/chat/completions`, `GET /v1/models`)
 * that answers from a script: each request takes the next scripted reply, a tool call or a final
 * answer, which may be computed from the request (to quote a tool's result back). It records every
 * request it receives, the tools it was shown included. Listens on 127.0.0.1 only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatTool {
	type: 'function';
	function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
	[key: string]: unknown;
}

/** What the model "decides": to call tools (by name, with arguments), or to answer. */
export type Reply = { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { content: string };
export type Step = Reply | ((request: ChatRequest) => Reply);

export const MODEL = 'gpt-stub';

/** The text of a message, whether sent as a string or as content parts. */
export function textOf(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

/** The tool results in a request, in order, as the model reads them. */
export function toolResults(request: ChatRequest): Array<{ toolCallId?: string; content: string }> {
	return request.messages.filter((m) => m.role === 'tool').map((m) => ({ toolCallId: m.tool_call_id, content: textOf(m) }));
}

export class OpenAiStub {
	url = '';
	readonly requests: ChatRequest[] = [];
	/** Requests that found no scripted reply left: a test that sees any has a model that was asked once too often. */
	unscripted = 0;
	private steps: Step[] = [];
	private calls = 0;
	private server?: Server;

	/** Replaces what the next requests get, one step each. */
	script(...steps: Step[]): void {
		this.steps = [...steps];
	}

	reset(): void {
		this.requests.length = 0;
		this.steps = [];
		this.unscripted = 0;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => this.handle(req, res));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
		return this.url;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	private handle(req: IncomingMessage, res: ServerResponse): void {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const path = (req.url ?? '/').split('?')[0];
			if (req.method === 'GET' && path === '/v1/models') {
				return json(res, 200, { object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'stub' }] });
			}
			if (req.method !== 'POST' || path !== '/v1/chat/completions') {
				return json(res, 404, { error: { message: `No route ${req.method} ${path}`, type: 'invalid_request_error' } });
			}
			let request: ChatRequest;
			try {
				request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			} catch {
				return json(res, 400, { error: { message: 'Malformed JSON', type: 'invalid_request_error' } });
			}
			this.requests.push(request);
			const step = this.steps.shift();
			if (!step) {
				this.unscripted++;
				// 400: not retried by the client, so the test sees the surplus request at once.
				return json(res, 400, { error: { message: 'The stub has no scripted reply left', type: 'invalid_request_error' } });
			}
			const reply = typeof step === 'function' ? step(request) : step;
			this.answer(res, request, reply);
		});
	}

	private answer(res: ServerResponse, request: ChatRequest, reply: Reply): void {
		const id = `chatcmpl-stub-${++this.calls}`;
		const message: Record<string, unknown> =
			'content' in reply
				? { role: 'assistant', content: reply.content }
				: {
						role: 'assistant',
						content: null,
						tool_calls: reply.toolCalls.map((call, i) => ({
							id: `call_${this.calls}_${i}`,
							type: 'function',
							function: { name: call.name, arguments: JSON.stringify(call.arguments) },
						})),
					};
		const finishReason = 'content' in reply ? 'stop' : 'tool_calls';
		const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
		if (!request.stream) {
			return json(res, 200, {
				id,
				object: 'chat.completion',
				created: Math.floor(Date.now() / 1000),
				model: request.model,
				choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
				usage,
			});
		}
		// Streamed: the whole message as one delta, then the finish reason and usage.
		res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		const chunk = (delta: unknown, finish: string | null, extra: Record<string, unknown> = {}) =>
			res.write(
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
			);
		const toolCalls = message.tool_calls as Array<Record<string, unknown>> | undefined;
		chunk({ ...message, ...(toolCalls ? { tool_calls: toolCalls.map((call, index) => ({ index, ...call })) } : {}) }, null);
		chunk({}, finishReason, { usage });
		res.end('data: [DONE]\n\n');
	}
}

function json(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'Content-Type': 'application/json' });
	res.end(JSON.stringify(body));
}
