/**
 * The nodes' parameters as n8n 1.x resolves them. n8n 1.x orders a level's parameters by what their
 * `displayOptions` name, and only knows a parameter of the same level or a path from the root
 * (`/name`): any other name (a bare `action.mode`, a parameter of another level) is never resolved,
 * and every execution of the node fails with "Could not resolve parameter dependencies. Max iterations
 * reached!". n8n 2.x skips such names, so only this check (and the end-to-end suite on 1.x) sees it.
 */
import type { INodeProperties, INodePropertyCollection, INodeType } from 'n8n-workflow';

import { ZapierActionRunTrigger } from '../../nodes/ZapierActionRunTrigger/ZapierActionRunTrigger.node';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';

/** Every level of parameters: the top level, each collection's options, each fixed collection's values. */
function levels(properties: INodeProperties[], where: string): Array<{ where: string; properties: INodeProperties[] }> {
	const found = [{ where, properties }];
	for (const property of properties) {
		const children = (property.options ?? []) as Array<INodeProperties | INodePropertyCollection>;
		if (property.type === 'collection') {
			found.push(...levels(children as INodeProperties[], `${where} > ${property.name}`));
		}
		if (property.type === 'fixedCollection') {
			for (const group of children as INodePropertyCollection[]) {
				found.push(...levels(group.values, `${where} > ${property.name}.${group.name}`));
			}
		}
	}
	return found;
}

/** The names a level's displayOptions use that n8n 1.x cannot resolve. */
function unresolvable(properties: INodeProperties[]): string[] {
	const names = new Set(properties.map((property) => property.name));
	const problems: string[] = [];
	for (const property of properties) {
		for (const rule of Object.values(property.displayOptions ?? {})) {
			for (const name of Object.keys(rule ?? {})) {
				if (!name.startsWith('/') && !name.startsWith('@') && !names.has(name)) problems.push(`${property.name}: ${name}`);
			}
		}
	}
	return problems;
}

test.each<[string, INodeType]>([
	['Zapier Actions', new ZapierActions()],
	['Zapier Action Run Trigger', new ZapierActionRunTrigger()],
])('%s: every displayOptions names a parameter of its own level or a root path', (name, node) => {
	const problems = levels(node.description.properties, name).flatMap(({ where, properties }) =>
		unresolvable(properties).map((problem) => `${where} > ${problem}`),
	);
	expect(problems).toEqual([]);
});
