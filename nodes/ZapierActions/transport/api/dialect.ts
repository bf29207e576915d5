import type { ZapierContext } from '../request';
import { partnerApi } from './partner';
import type { ZapierDialect } from './types';

/** The dialect of the API the node's credential speaks. */
export function dialectOf(_ctx: ZapierContext): ZapierDialect {
	return partnerApi;
}
