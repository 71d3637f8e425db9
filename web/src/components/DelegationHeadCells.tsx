import type { DelegationColumnOptions } from './DelegationCells.tsx';

/** Renders the column headers for the cells of `DelegationCells`, given the same options. */
export function DelegationHeadCells({
  showClient = true,
  showDevice = true,
}: DelegationColumnOptions) {
  return (
    <>
      {showClient && <th scope="col">Client</th>}
      <th scope="col">Delegation ID</th>
      <th scope="col">SCIM ID</th>
      {showDevice && <th scope="col">Device</th>}
      <th scope="col">Created</th>
      <th scope="col">Expires</th>
      <th scope="col">Status</th>
      <th scope="col">Scope</th>
    </>
  );
}
