/**
 * Decides whether a listing that needs every delegation (revoke-all, bulk revocation, the
 * administrator's user page) asks for another SCIM page. The server's `totalResults` is only a
 * hint, because some servers report it too low: a full page means more may follow whatever the
 * total says. An empty page ends the listing, and so does a short page past the total.
 */
export function mayHaveMorePages(
  page: { items: readonly unknown[]; totalResults: number },
  nextStartIndex: number,
  requestedCount: number,
): boolean {
  if (page.items.length === 0) return false;
  return page.items.length >= requestedCount || nextStartIndex <= page.totalResults;
}
