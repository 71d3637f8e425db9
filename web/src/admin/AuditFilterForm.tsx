import { useState, type FormEvent } from 'react';
import type { AuditAction, AuditFilters, AuditResult } from '../api/types.ts';
import { Field } from '../components/Field.tsx';
import { localInputToIso } from '../lib/format.ts';

const ACTIONS: AuditAction[] = [
  'sign-in',
  'refresh',
  'introspect',
  'revoke',
  'revoke-all',
  'bulk-revoke',
  'logout',
];
const RESULTS: AuditResult[] = ['started', 'succeeded', 'failed'];

const EMPTY = { actor: '', owner: '', action: '', result: '', since: '', until: '' };

export function AuditFilterForm({ onApply }: { onApply: (filters: AuditFilters) => void }) {
  const [values, setValues] = useState(EMPTY);

  function set(name: keyof typeof EMPTY, value: string) {
    setValues((current) => ({ ...current, [name]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({
      actor: values.actor.trim() || undefined,
      owner: values.owner.trim() || undefined,
      action: (values.action || undefined) as AuditAction | undefined,
      result: (values.result || undefined) as AuditResult | undefined,
      since: localInputToIso(values.since),
      until: localInputToIso(values.until),
    });
  }

  function clear() {
    setValues(EMPTY);
    onApply({});
  }

  return (
    <form className="filters" aria-label="Audit filters" onSubmit={submit}>
      <Field label="Actor">
        {(id) => (
          <input id={id} value={values.actor} onChange={(e) => set('actor', e.target.value)} />
        )}
      </Field>
      <Field label="Owner">
        {(id) => (
          <input id={id} value={values.owner} onChange={(e) => set('owner', e.target.value)} />
        )}
      </Field>
      <Field label="Action">
        {(id) => (
          <select id={id} value={values.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">Any</option>
            {ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Result">
        {(id) => (
          <select id={id} value={values.result} onChange={(e) => set('result', e.target.value)}>
            <option value="">Any</option>
            {RESULTS.map((result) => (
              <option key={result} value={result}>
                {result}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Since">
        {(id) => (
          <input
            id={id}
            type="datetime-local"
            value={values.since}
            onChange={(e) => set('since', e.target.value)}
          />
        )}
      </Field>
      <Field label="Until">
        {(id) => (
          <input
            id={id}
            type="datetime-local"
            value={values.until}
            onChange={(e) => set('until', e.target.value)}
          />
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
    </form>
  );
}
