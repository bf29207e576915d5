/**
 * What an AI agent is told the node does, when it is the agent's tool (`@tool`). n8n's own description
 * ("Run an action in Zapier Actions") names no action; with a `toolDescription` of its own, n8n adds
 * none and uses this one. Run names the action to run; Get says what it is for. Other operations keep
 * n8n's description.
 *
 * Run's is an expression over `$rawParameter`: n8n's server gives a picker's value there (the action's
 * key, or the ID typed By ID), not the title it was picked by, and raw leaves an action given as an
 * expression unevaluated while the agent lists its tools.
 */
import type { INodeProperties } from 'n8n-workflow';

export const toolDescriptions: INodeProperties[] = [
	{
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 2 },
		required: true,
		default:
			'={{ "Runs the Zapier action " + (String($rawParameter.action).startsWith("=") ? "chosen by expression" : JSON.stringify($rawParameter.action)) + ". Returns {status, results}; errors when the run failed; its id while it is still running, to read later with Get." }}',
		description:
			'What the agent is told this tool does. By default it names the action to run; say what the action does and when to use it.',
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
