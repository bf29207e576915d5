import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { checkInputs, need } from '../../helpers/validate';
import { dialectOf } from '../../transport/api/dialect';
import { actionLocator, appLocator, authenticationLocator } from '../common.descriptions';
import type { ExecutionShared } from '../operation';
import { readPicks } from '../picks';

const properties: INodeProperties[] = [
	appLocator,
	actionLocator,
	authenticationLocator,
	{
		displayName: 'Inputs So Far',
		name: 'inputs',
		type: 'json',
		default: '{}',
		description: 'Values already chosen: fields that depend on them are included',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['action'], operation: ['getInputFields'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared): Promise<INodeExecutionData[]> {
	const inputs = need(this.getNode(), 'Inputs So Far', checkInputs(this.getNodeParameter('inputs', itemIndex, '{}')), itemIndex);
	const { authentication, action } = await readPicks(this, itemIndex, shared.actions);
	return (await dialectOf(this).inputFields(this, { actionId: action, authentication, inputs })).map((json) => ({ json }));
}
