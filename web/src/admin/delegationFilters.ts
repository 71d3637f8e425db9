import type { AdminDelegationQuery, DelegationStatus, SortOrder } from '../api/types.ts';
import { localInputToIso } from '../lib/format.ts';

/** The filter form's values as typed: times are datetime-local strings in local time. */
export interface DelegationFilterValues {
  user: string;
  userPrefix: string;
  client: string;
  status: '' | DelegationStatus;
  expiresAfter: string;
  expiresBefore: string;
  sortBy: string;
  sortOrder: SortOrder;
}

export const EMPTY_DELEGATION_FILTERS: DelegationFilterValues = {
  user: '',
  userPrefix: '',
  client: '',
  status: 'issued',
  expiresAfter: '',
  expiresBefore: '',
  sortBy: 'expires',
  sortOrder: 'ascending',
};

/** The `sortBy` values the tracker accepts: SCIM attributes of a delegation. */
export const SORT_FIELDS: { value: string; label: string }[] = [
  { value: 'expires', label: 'Expires' },
  { value: 'created', label: 'Created' },
  { value: 'owner', label: 'User' },
  { value: 'clientId', label: 'Client' },
];

export function toDelegationQuery(
  values: DelegationFilterValues,
): Omit<AdminDelegationQuery, 'startIndex' | 'count'> {
  return {
    user: values.user.trim() || undefined,
    userPrefix: values.userPrefix.trim() || undefined,
    client: values.client || undefined,
    status: values.status || undefined,
    expiresAfter: localInputToIso(values.expiresAfter),
    expiresBefore: localInputToIso(values.expiresBefore),
    sortBy: values.sortBy || undefined,
    sortOrder: values.sortOrder,
  };
}
