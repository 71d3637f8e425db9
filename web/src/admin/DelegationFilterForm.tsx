import { useState, type FormEvent } from 'react';
import type { ClientOption, DelegationStatus, SortOrder } from '../api/types.ts';
import { Field } from '../components/Field.tsx';
import {
  EMPTY_DELEGATION_FILTERS,
  SORT_FIELDS,
  type DelegationFilterValues,
} from './delegationFilters.ts';

interface DelegationFilterFormProps {
  initial: DelegationFilterValues;
  clients: ClientOption[];
  onApply: (values: DelegationFilterValues) => void;
}

export function DelegationFilterForm({ initial, clients, onApply }: DelegationFilterFormProps) {
  const [values, setValues] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);

  function set<K extends keyof DelegationFilterValues>(name: K, value: DelegationFilterValues[K]) {
    setValues((current) => ({ ...current, [name]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // The tracker rejects both at once: an exact user already names a single user.
    if (values.user.trim() !== '' && values.userPrefix.trim() !== '') {
      setProblem('Fill in either "User (exact)" or "User starts with", not both.');
      return;
    }
    setProblem(null);
    onApply(values);
  }

  function clear() {
    setProblem(null);
    setValues(EMPTY_DELEGATION_FILTERS);
    onApply(EMPTY_DELEGATION_FILTERS);
  }

  return (
    <form className="filters" aria-label="Delegation filters" onSubmit={submit}>
      <Field label="User (exact)">
        {(id) => (
          <input id={id} value={values.user} onChange={(e) => set('user', e.target.value)} />
        )}
      </Field>
      <Field label="User starts with">
        {(id) => (
          <input
            id={id}
            value={values.userPrefix}
            onChange={(e) => set('userPrefix', e.target.value)}
          />
        )}
      </Field>
      <Field label="Client">
        {(id) => (
          <select id={id} value={values.client} onChange={(e) => set('client', e.target.value)}>
            <option value="">Any</option>
            {clients.map((client) => (
              <option key={client.id} value={client.id}>
                {client.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Status">
        {(id) => (
          <select
            id={id}
            value={values.status}
            onChange={(e) => set('status', e.target.value as '' | DelegationStatus)}
          >
            <option value="">Any</option>
            <option value="issued">issued</option>
            <option value="revoked">revoked</option>
          </select>
        )}
      </Field>
      <Field label="Expires after">
        {(id) => (
          <input
            id={id}
            type="datetime-local"
            value={values.expiresAfter}
            onChange={(e) => set('expiresAfter', e.target.value)}
          />
        )}
      </Field>
      <Field label="Expires before">
        {(id) => (
          <input
            id={id}
            type="datetime-local"
            value={values.expiresBefore}
            onChange={(e) => set('expiresBefore', e.target.value)}
          />
        )}
      </Field>
      <Field label="Sort by">
        {(id) => (
          <select id={id} value={values.sortBy} onChange={(e) => set('sortBy', e.target.value)}>
            {SORT_FIELDS.map((field) => (
              <option key={field.value} value={field.value}>
                {field.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Order">
        {(id) => (
          <select
            id={id}
            value={values.sortOrder}
            onChange={(e) => set('sortOrder', e.target.value as SortOrder)}
          >
            <option value="ascending">Ascending</option>
            <option value="descending">Descending</option>
          </select>
        )}
      </Field>
      <div className="filter-buttons">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={clear}>
          Clear filters
        </button>
      </div>
      {problem && (
        <p className="alert alert-error filter-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
