/**
 * Workflows with n8n's AI Agent, n8n's OpenAI Chat Model (pointed at the local chat-completions stub)
 * and this node as the agent's tools: "Send Email in Mailer" runs the Mailer app's Send Email action
 * with the work account, the fields the model fills coming from `$fromAI()`; "Get Zapier Action Run"
 * reads a run the first one returned as still waiting.
 */
import type { CredentialImport, WorkflowImport } from '../../harness/n8n';
import { NODE_TYPE } from '../../harness/n8n';
import { CONNECT_BY, connectedWith } from '../../harness/connectBy';
import { CLIENT_CREDENTIAL, CREDENTIAL } from '../../harness/stack';
import { nodeIds, webhookNode } from '../../harness/workflowParts';
import { APPS } from '../../sandbox/catalog';
import { MODEL } from '../openaiStub';

export const OPENAI_CREDENTIAL = { id: 'openai-stub', name: 'OpenAI (local stub)' };

export function openAiCredential(baseUrl: string): CredentialImport {
	return { ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-local-stub', url: baseUrl, header: false } };
}

export const TOOL_TYPE = `${NODE_TYPE}Tool`;
export const RUN_NODE = 'Send Email in Mailer';
export const GET_NODE = 'Get Zapier Action Run';
/** The names n8n gives these tools: the node names, with what a tool name may not hold replaced. */
export const RUN_TOOL = 'Send_Email_in_Mailer';
export const GET_TOOL = 'Get_Zapier_Action_Run';

export const AGENT_PATHS = { run: 'agent-run', shortWait: 'agent-run-short-wait' } as const;
export const MANUAL_AGENT_WORKFLOW_ID = 'agentManualRun00';
export const MANUAL_PROMPT = 'Email ada@example.com that the quarterly report is ready.';

const MAILER = APPS.find((app) => app.slug === 'mailer')!;

/** The input schema n8n makes of the Run tool's `$fromAI()` fields: what a model, or an MCP client, is shown. */
export const SEND_EMAIL_SCHEMA = {
	type: 'object',
	properties: {
		to: { type: 'string', description: 'The recipient email address' },
		subject: { type: 'string', description: 'The subject line' },
		body: { type: 'string', description: 'The message text' },
	},
	required: ['to', 'subject', 'body'],
};

/** The fields the model fills: `$fromAI(key, description, type)`, as n8n's editor writes them. */
const fromAi = (key: string, description: string) => `={{ $fromAI('${key}', '${description}', 'string') }}`;

const mapperField = (id: string, displayName: string, required: boolean) => ({
	id,
	displayName,
	required,
	defaultMatch: false,
	canBeUsedToMatch: false,
	display: true,
	type: 'string',
	readOnly: false,
});

const id = nodeIds('9000');

/** The suite's credential (ZAPIER_CONNECT_BY), and the picks in that API's IDs. */
const connected = connectedWith(CONNECT_BY, CONNECT_BY === 'clientCredentials' ? CLIENT_CREDENTIAL : CREDENTIAL);
const byClient = CONNECT_BY === 'clientCredentials';
export const MAILER_CONNECTION = byClient ? '1001' : 'auth_mailer_work';

function sendEmailTool(timeoutSeconds: number) {
	return {
		id: id(),
		name: RUN_NODE,
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [520, 240],
		parameters: {
			resource: 'actionRun',
			operation: 'run',
			...connected.parameters,
			app: { __rl: true, mode: 'list', value: byClient ? 'MailerCLIAPI' : MAILER.id, cachedResultName: MAILER.title },
			action: { __rl: true, mode: 'list', value: 'send_email', cachedResultName: 'Send Email (write)' },
			authenticationId: { __rl: true, mode: 'list', value: MAILER_CONNECTION, cachedResultName: 'work@example.com' },
			inputsMode: 'map',
			inputFields: {
				mappingMode: 'defineBelow',
				value: {
					to: fromAi('to', 'The recipient email address'),
					subject: fromAi('subject', 'The subject line'),
					body: fromAi('body', 'The message text'),
				},
				matchingColumns: [],
				schema: [mapperField('to', 'To', true), mapperField('subject', 'Subject', true), mapperField('body', 'Body', false)],
				attemptToConvertTypes: false,
				convertFieldsToString: false,
			},
			waitForCompletion: true,
			options: { timeout: timeoutSeconds },
		},
		credentials: connected.credentials,
	};
}

function getRunTool() {
	return {
		id: id(),
		name: GET_NODE,
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [720, 240],
		parameters: {
			resource: 'actionRun',
			...connected.parameters,
			operation: 'get',
			runId: fromAi('runId', 'The id of a Zapier action run that an earlier call returned as still waiting'),
			waitForCompletion: true,
			options: { timeout: 30 },
		},
		credentials: connected.credentials,
	};
}

function agentWorkflow(workflowId: string, name: string, trigger: Array<Record<string, unknown>>, prompt: string, timeout: number) {
	const agent = {
		id: id(),
		name: 'AI Agent',
		type: '@n8n/n8n-nodes-langchain.agent',
		// 3 rather than 2.41's 3.1: n8n 1.x has no 3.1.
		typeVersion: 3,
		position: [480, 0],
		parameters: { promptType: 'define', text: prompt, options: {} },
	};
	const model = {
		id: id(),
		name: 'OpenAI Chat Model',
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.3,
		position: [320, 240],
		// Chat completions (the stub's API) rather than OpenAI's Responses API.
		parameters: { model: { __rl: true, mode: 'list', value: MODEL }, responsesApiEnabled: false, options: {} },
		credentials: { openAiApi: OPENAI_CREDENTIAL },
	};
	const nodes = [...trigger, agent, model, sendEmailTool(timeout), getRunTool()];
	const connections: Record<string, unknown> = {
		'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
		[RUN_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		[GET_NODE]: { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
	};
	trigger.forEach((node, i) => {
		const next = trigger[i + 1]?.name ?? 'AI Agent';
		connections[node.name as string] = { main: [[{ node: next, type: 'main', index: 0 }]] };
	});
	return { id: workflowId, name, nodes, connections };
}

const webhook = (path: string) => webhookNode(id, path);

export const agentWorkflows: WorkflowImport[] = [
	{
		...agentWorkflow('agentRunHook0000', 'Agent: send an email (webhook)', [webhook(AGENT_PATHS.run)], '={{ $json.body.prompt }}', 30),
		publish: true,
	},
	{
		...agentWorkflow(
			'agentShortWait00',
			'Agent: send an email, waiting 1 s (webhook)',
			[webhook(AGENT_PATHS.shortWait)],
			'={{ $json.body.prompt }}',
			1,
		),
		publish: true,
	},
	agentWorkflow(
		MANUAL_AGENT_WORKFLOW_ID,
		'Agent: send an email',
		[
			{
				id: id(),
				name: "When clicking 'Execute workflow'",
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: id(),
				name: 'Prompt',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [240, 0],
				parameters: {
					mode: 'manual',
					includeOtherFields: false,
					assignments: { assignments: [{ id: id(), name: 'chatInput', type: 'string', value: MANUAL_PROMPT }] },
					options: {},
				},
			},
		],
		'={{ $json.chatInput }}',
		30,
	),
];
