/**
 * What an AI agent is told the node does, when it is the agent's tool. n8n's own description for a
 * tool ("Run an action in Zapier Actions") names no action, so the node brings its own: an expression
 * that names the action to run, which the user may overwrite. Shown only on the tool (`@tool`); n8n
 * adds no description field of its own to a node that has this one.
 *
 * n8n's server evaluates it with `$rawParameter`, where a picker gives only its value (the action's
 * key, or the ID typed By ID), never the title it was picked by: titles are for the node's name.
 * Raw, so that an action given as an expression is not evaluated while the agent lists its tools.
 */
import type { INodeProperties } from 'n8n-workflow';

const ACTION = '$rawParameter["action"]';
const FIXED_ACTION = `(typeof ${ACTION} === "string" && ${ACTION}.trim() !== "" && !${ACTION}.startsWith("="))`;

const RUN =
	`(${FIXED_ACTION} ? "Runs the Zapier action \\"" + ${ACTION}.trim() + "\\"" : "Runs a Zapier action")` +
	' + ". Returns {status, results}, where results is what the action produced; errors when the run failed; and the run id when it is still running, to read later with Get."';

const OTHERS: Record<string, string> = {
	'actionRun.get':
		'Reads a Zapier action run by its id, e.g. one returned as still running, and returns {status, results}, plus errors when it failed.',
	'app.search': 'Searches the apps available in Zapier by name.',
	'action.list': 'Lists the actions of a Zapier app.',
	'action.getInputFields': 'Lists the input fields of a Zapier action.',
	'authentication.list': 'Lists the connected Zapier accounts for an app.',
};

const RESOURCE = '$rawParameter["resource"]';
const OPERATION = '$rawParameter["operation"]';

export const toolDescription: INodeProperties = {
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 2 },
	required: true,
	default: `={{ ${RESOURCE} === "actionRun" && ${OPERATION} === "run" ? ${RUN} : (${JSON.stringify(OTHERS)})[${RESOURCE} + "." + ${OPERATION}] || "Zapier: " + ${OPERATION} + " " + ${RESOURCE} }}`,
	description: 'What the agent is told this tool does. By default it names the action to run; say what the action does and when to use it.',
	displayOptions: { show: { '@tool': [true] } },
};
