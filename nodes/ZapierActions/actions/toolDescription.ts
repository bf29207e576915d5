/**
 * What an AI agent is told the node does, when it is the agent's tool. n8n's own description for a
 * tool ("Run an action in Zapier Actions") names neither the action nor the app, so the node brings
 * its own: an expression over the picked action and app, which the user may overwrite. Shown only on
 * the tool (`@tool`); n8n adds no description field of its own to a node that has this one.
 */
import type { INodeProperties } from 'n8n-workflow';

/**
 * `$parameter` gives a picker's value only; its `toJSON()` gives the parameters as stored, where a
 * picker keeps the title it was picked by (`cachedResultName`). `p` is those parameters.
 */
const title = (name: string) => `(p.${name} && typeof p.${name} === "object" ? p.${name}.cachedResultName || "" : "")`;
/** A fixed value typed in By ID (not an expression), for an action picked so. */
const fixedValue = (name: string) =>
	`(p.${name} && typeof p.${name}.value === "string" && !p.${name}.value.startsWith("=") ? p.${name}.value : "")`;

const RUN =
	`[$parameter.toJSON()].map(p => [${title('action')} || ${fixedValue('action')}, ${title('app')}])` +
	'.map(t => (t[0] ? "Runs the Zapier action \\"" + t[0] + "\\"" : "Runs a Zapier action") + (t[1] ? " in " + t[1] : "")' +
	' + ". Returns {status, results}, where results is what the action produced; errors when the run failed; and the run id when it is still running, to read later with Get.")[0]';

const OTHERS: Record<string, string> = {
	'actionRun.get':
		'Reads a Zapier action run by its id, e.g. one returned as still running, and returns {status, results}, plus errors when it failed.',
	'app.search': 'Searches the apps available in Zapier by name.',
	'action.list': 'Lists the actions of a Zapier app.',
	'action.getInputFields': 'Lists the input fields of a Zapier action.',
	'authentication.list': 'Lists the connected Zapier accounts for an app.',
};

export const toolDescription: INodeProperties = {
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 2 },
	required: true,
	default: `={{ $parameter["resource"] === "actionRun" && $parameter["operation"] === "run" ? ${RUN} : (${JSON.stringify(OTHERS)})[$parameter["resource"] + "." + $parameter["operation"]] || "Zapier: " + $parameter["operation"] + " " + $parameter["resource"] }}`,
	description:
		'What the agent is told this tool does. By default it names the picked action and app; write your own to say when to use it.',
	displayOptions: { show: { '@tool': [true] } },
};
