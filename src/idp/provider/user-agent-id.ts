import { errors } from 'oidc-provider';

/** Longest accepted `user_agent_id`; the tracker sends a short public device id. */
export const MAX_USER_AGENT_ID_LENGTH = 200;

/**
 * Checks the `user_agent_id` form parameter of a code exchange. It is optional; when present it
 * must be one printable ASCII string, because it is echoed in the token response and shown in
 * SCIM `customData`.
 */
export function assertUserAgentId(value: unknown): asserts value is string | undefined {
  if (value === undefined) return;
  if (typeof value !== 'string') {
    throw new errors.InvalidRequest('user_agent_id must be sent once');
  }
  if (
    value.length === 0 ||
    value.length > MAX_USER_AGENT_ID_LENGTH ||
    !/^[\x21-\x7e]+$/.test(value)
  ) {
    throw new errors.InvalidRequest(
      `user_agent_id must be 1 to ${MAX_USER_AGENT_ID_LENGTH} printable ASCII characters without spaces`,
    );
  }
}
