/**
 * What an AI agent is told the node does, when it is the agent's tool (`@tool`). n8n's own description
 * ("Run an action in Zapier Actions") says neither what comes back nor how to follow up on a run; with a
 * `toolDescription` of its own, n8n adds none and uses this one. Other operations keep n8n's.
 *
 * Plain text, not an expression: n8n 1.x hands a tool's description to the model as it is stored, and
 * n8n 2.x evaluates it with a picker's value only (an action's key), never the title it was picked by.
 * The action's name reaches the model as the tool's name, which is the node's name.
 */
import type { INodeProperties } from 'n8n-workflow';

export const toolDescriptions: INodeProperties[] = [
	{
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default:
			'Runs the Zapier action this tool is named after (its app and account are set in the workflow; the arguments are its input fields). Returns {status, results}, where results is what the action produced; errors when the run failed; and the run id while it is still running, to read later with Get.',
		description: "What the agent is told this tool does. Say what the action does and when to use it; the tool's name is this node's name.",
		displayOptions: { show: { '@tool': [true], resource: ['actionRun'], operation: ['run'] } },
	},
	{
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default:
			'Reads a Zapier action run by its id (e.g. one returned as still running) and returns {status, results}, plus errors when it failed.',
		description: 'What the agent is told this tool does',
		displayOptions: { show: { '@tool': [true], resource: ['actionRun'], operation: ['get'] } },
	},
];
