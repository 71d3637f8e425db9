/**
 * Subscribes to the tracker's change events and calls `onChange` for each. Failures of the stream
 * are ignored on purpose: EventSource reconnects by itself, and the dashboard's poll covers the gap.
 * Returns the function that closes the stream.
 */
export function subscribeToChanges(onChange: () => void): () => void {
  if (typeof EventSource === 'undefined') return () => {};

  const source = new EventSource('/api/events');
  source.addEventListener('change', onChange);
  return () => source.close();
}
