import type { IDataObject, ILoadOptionsFunctions, ResourceMapperFields, ResourceMapperValue } from 'n8n-workflow';

import { toMapperField, toOptions } from '../helpers/fields';
import { checkAuthentication, resolveActionId } from '../helpers/locators';
import { isEmpty } from '../helpers/validate';
import { ActionResolver } from '../transport/actionIds';
import { dialectOf } from '../transport/api/dialect';

/**
 * The chosen action's input fields, asked of Zapier with the chosen account and the values entered
 * so far (fields that depend on others appear once those are set), SELECT fields with all choices.
 */
export async function getInputFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const app = (this.getCurrentNodeParameter('app', { extractValue: true }) as string | undefined) ?? '';
	const action = await resolveActionId(this.getCurrentNodeParameter('action'), app, new ActionResolver(this).idFor);
	if (!action.ok) return { fields: [], emptyFieldsNotice: `Choose an action first: Action ${action.problem}` };
	const authentication = checkAuthentication(this.getCurrentNodeParameter('authenticationId'));
	const current = (this.getCurrentNodeParameter('inputFields') as ResourceMapperValue | undefined)?.value ?? {};
	const request = {
		actionId: action.value,
		authentication: authentication.ok ? authentication.value : null,
		inputs: Object.fromEntries(Object.entries(current).filter(([, value]) => !isEmpty(value))) as IDataObject,
	};
	const zapier = dialectOf(this);
	const fields = await zapier.inputFields(this, request);
	const mapped = await Promise.all(
		fields.map(async (field) =>
			field.format === 'SELECT'
				? toMapperField(
						field,
						toOptions(
							Array.isArray(field.choices) ? (field.choices as IDataObject[]) : await zapier.choices(this, request, String(field.id)),
						),
					)
				: toMapperField(field),
		),
	);
	return { fields: mapped, emptyFieldsNotice: 'This action has no input fields' };
}
