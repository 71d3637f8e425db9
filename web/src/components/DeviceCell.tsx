import type { Device } from '../api/types.ts';

export function DeviceCell({
  device,
  thisBrowser,
}: {
  device: Device | null;
  thisBrowser: boolean;
}) {
  return (
    <span className="device">
      {device ? (
        <>
          <span>{device.browser}</span>
          <span className="muted">{device.os}</span>
        </>
      ) : (
        <span className="muted">Unknown device</span>
      )}
      {thisBrowser && <span className="badge badge-info">This browser</span>}
    </span>
  );
}
