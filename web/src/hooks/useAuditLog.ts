import { useCallback, useEffect, useState } from 'react';
import { listAudit } from '../api/admin.ts';
import { isAbort } from '../api/http.ts';
import type { AuditEntry, AuditFilters } from '../api/types.ts';

const PAGE_SIZE = 50;

interface AuditLogState {
  entries: AuditEntry[];
  /** Id to pass as `beforeId` for the next page; null when the last page is loaded. */
  nextBeforeId: number | null;
  loading: boolean;
  error: unknown;
}

interface AuditRequest {
  /** The filters as JSON, so a change of any field starts again. */
  key: string;
  beforeId?: number;
  /** Changes on every request, so asking for the same page twice loads it twice. */
  version: number;
}

/**
 * Loads audit entries newest first and appends older pages on `loadMore` (keyset paging on the
 * entry id). Changing the filters starts again from the newest entry.
 */
export function useAuditLog(filters: AuditFilters) {
  const [state, setState] = useState<AuditLogState>({
    entries: [],
    nextBeforeId: null,
    loading: true,
    error: undefined,
  });
  const key = JSON.stringify(filters);
  const [request, setRequest] = useState<AuditRequest>({ key, version: 0 });
  // New filters start a new first page. Setting state while rendering is React's pattern for
  // state derived from props, and avoids a wasted request from an effect.
  if (request.key !== key) setRequest({ key, version: request.version + 1 });

  useEffect(() => {
    const controller = new AbortController();
    const append = request.beforeId !== undefined;
    const query = {
      ...(JSON.parse(request.key) as AuditFilters),
      beforeId: request.beforeId,
      limit: PAGE_SIZE,
    };
    setState((current) => ({
      ...current,
      entries: append ? current.entries : [],
      loading: true,
      error: undefined,
    }));

    listAudit(query, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setState((current) => ({
          entries: append ? [...current.entries, ...page.items] : page.items,
          nextBeforeId: page.nextBeforeId,
          loading: false,
          error: undefined,
        }));
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((current) => ({ ...current, loading: false, error }));
      },
    );
    return () => controller.abort();
  }, [request]);

  const loadMore = useCallback(() => {
    setRequest((current) =>
      state.nextBeforeId === null
        ? current
        : { key: current.key, beforeId: state.nextBeforeId, version: current.version + 1 },
    );
  }, [state.nextBeforeId]);

  const reload = useCallback(
    () => setRequest((current) => ({ key: current.key, version: current.version + 1 })),
    [],
  );

  return { ...state, loadMore, reload };
}
